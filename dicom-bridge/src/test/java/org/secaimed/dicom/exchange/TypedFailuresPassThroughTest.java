package org.secaimed.dicom.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.secaimed.connector.SecaimedFailure;
import org.secaimed.connector.seal.SealedArchiveException;

/**
 * Issue 13: the archive readers let the layer beneath (the opening stream) report its own typed
 * failure unchanged, and turn anything else into their own typed failure. They decide by type
 * ({@link SecaimedFailure}), not by the package a class name starts with.
 */
class TypedFailuresPassThroughTest {
  /** An IOException of ours that is not a typed failure: the old name-prefix test let it through untyped. */
  static final class UntypedOfOurs extends IOException {
    UntypedOfOurs() {
      super("socket closed");
    }
  }

  private static InputStream failingAfter(byte[] bytes, int n, IOException failure) {
    return new SequenceInputStream(new ByteArrayInputStream(bytes, 0, n), new InputStream() {
      @Override public int read() throws IOException {
        throw failure;
      }
    });
  }

  private static byte[] studyArchive() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (StudyArchiveWriter w = StudyArchiveWriter.open(sink)) {
      for (int i = 1; i <= 3; i++) w.add(TinyDicom.instance(i));
    }
    return sink.toByteArray();
  }

  private static byte[] resultPayload() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ModelInfo model = new ModelInfo("model-ff", "sha256:" + "01".repeat(32), "voxel-classifier");
    ResultPayloads.write(new ResultPayload.Training(ResultPayloadsTest.ALG, model, List.of()), out);
    return out.toByteArray();
  }

  private static Throwable readStudy(InputStream in) {
    List<ArchivedInstance> sink = new ArrayList<>();
    return catchThrowable(() -> StudyArchiveReader.readAll(in, sink::add));
  }

  @Test
  void theSealingLayersTypedFailurePassesThroughBothReadersUnchanged() throws Exception {
    byte[] study = studyArchive();
    byte[] result = resultPayload();
    for (int cut : new int[] {100, 600, study.length / 2}) { // inside a header, inside an entry, later
      SealedArchiveException tampered = new SealedArchiveException(SealedArchiveException.Reason.CHUNK_AUTH_FAILED, "chunk 3 failed authentication");
      assertThat(readStudy(failingAfter(study, cut, tampered))).as("study archive cut at " + cut).isSameAs(tampered);
    }
    for (int cut : new int[] {100, 600}) {
      SealedArchiveException tampered = new SealedArchiveException(SealedArchiveException.Reason.CHUNK_AUTH_FAILED, "chunk 1 failed authentication");
      assertThat(catchThrowable(() -> ResultPayloads.read(failingAfter(result, cut, tampered)))).as("result cut at " + cut).isSameAs(tampered);
    }
  }

  @Test
  void anythingElseBecomesTheReadersOwnTypedFailure() throws Exception {
    byte[] study = studyArchive();
    byte[] result = resultPayload();
    for (int cut : new int[] {100, 600, study.length / 2}) {
      for (IOException plain : new IOException[] {new IOException("socket closed"), new UntypedOfOurs()}) {
        assertThat(readStudy(failingAfter(study, cut, plain))).as("study archive cut at " + cut + " by " + plain)
            .isInstanceOf(StudyArchiveException.class);
      }
    }
    for (int cut : new int[] {100, 600}) {
      for (IOException plain : new IOException[] {new IOException("socket closed"), new UntypedOfOurs()}) {
        assertThat(catchThrowable(() -> ResultPayloads.read(failingAfter(result, cut, plain)))).as("result cut at " + cut + " by " + plain)
            .isInstanceOf(ResultPayloadException.class);
      }
    }
  }
}
