package org.secaimed.dicom.exchange.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import org.secaimed.dicom.exchange.ResultPayloadException;
import org.secaimed.dicom.exchange.ResultPayloads;
import org.secaimed.dicom.exchange.StudyArchiveException;
import org.secaimed.dicom.exchange.StudyArchiveReader;

/**
 * Jazzer targets for the two payload readers: any input parses or fails with the reader's typed
 * exception. {@code mvn test} runs them in regression mode; {@code JAZZER_FUZZ=1 mvn -pl dicom-bridge
 * test -Dtest='ExchangeReadersFuzzTest#studyArchive'} fuzzes one for its maxDuration.
 */
class ExchangeReadersFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void studyArchive(byte[] data) throws Exception {
    try (StudyArchiveReader r = StudyArchiveReader.open(new ByteArrayInputStream(data), 1 << 20)) {
      while (r.next() != null) {
        // drain: every instance is checked
      }
    } catch (StudyArchiveException expected) {
      // typed refusal is the contract
    }
  }

  @FuzzTest(maxDuration = "60s")
  void resultPayload(byte[] data) throws Exception {
    try {
      ResultPayloads.read(new ByteArrayInputStream(data));
    } catch (ResultPayloadException expected) {
      // typed refusal is the contract
    }
  }

  /** The operator's reader: one checking pass, then a full pass over the labels, as the SEG writer makes. */
  @FuzzTest(maxDuration = "60s")
  void streamedSegmentation(byte[] data) throws Exception {
    try {
      var result = ResultPayloads.readStreamed(() -> new ByteArrayInputStream(data));
      byte[] slice = new byte[result.labels().geometry().frameSize()];
      try (var pass = result.labels().pass()) {
        for (int k = 0; k < result.labels().geometry().slices(); k++) pass.next(slice);
      }
    } catch (ResultPayloadException expected) {
      // typed refusal is the contract
    }
  }
}
