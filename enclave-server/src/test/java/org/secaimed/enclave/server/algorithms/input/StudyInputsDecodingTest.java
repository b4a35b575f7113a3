package org.secaimed.enclave.server.algorithms.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.dicom.exchange.StudyArchiveWriter;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.enclave.server.algorithms.AlgorithmException;

/**
 * Issue 11 items 1 and 4, enclave side: a study sealed as the PACS stored it (JPEG lossless) is
 * decoded in the enclave, and a hostile instance fails its task with a typed error naming the
 * instance instead of overflowing the worker's stack.
 */
class StudyInputsDecodingTest {
  static final String CT3_SERIES = "1.2.392.200103.20080913.113635.1.2009.6.22.21.43.10.23430.1";

  static Path data(String rel) {
    return Path.of(System.getProperty("secaimed.repo.root", ".")).resolve("../shared/testdata/dicom").resolve(rel).normalize();
  }

  @Test
  void jpegLosslessStudyIsDecodedExactly(@TempDir Path tmp) throws Exception {
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    try (StudyArchiveWriter w = StudyArchiveWriter.open(archive)) {
      for (String f : List.of("01.dcm", "02.dcm", "03.dcm")) {
        Path out = tmp.resolve(f);
        Process p = new ProcessBuilder("dcmcjpeg", "+e1", data("ct-3slice-dcmqi/" + f).toString(), out.toString()).inheritIO().start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).isTrue();
        w.add(Files.readAllBytes(out));
      }
    }
    StudyContent content = StudyInputs.read("input-0", new ByteArrayInputStream(archive.toByteArray()));
    short[] decoded = content.load(CT3_SERIES).volume().voxels();
    assertThat(decoded).isEqualTo(SeriesAssembler.fromDirectory(data("ct-3slice-dcmqi")).volume().voxels());
  }

  @Test
  void jpegLsStudyParsedByParallelParsersIsDecodedExactlyInArchiveOrder(@TempDir Path tmp) throws Exception {
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    try (StudyArchiveWriter w = StudyArchiveWriter.open(archive)) {
      for (String f : List.of("03.dcm", "01.dcm", "02.dcm")) {
        Path out = tmp.resolve(f);
        Process p = new ProcessBuilder("dcmcjpls", data("ct-3slice-dcmqi/" + f).toString(), out.toString()).inheritIO().start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).isTrue();
        w.add(Files.readAllBytes(out));
      }
    }
    short[] expected = SeriesAssembler.fromDirectory(data("ct-3slice-dcmqi")).volume().voxels();
    for (int parsers : new int[] {1, 3}) {
      StudyContent content = StudyInputs.read("input-0", new ByteArrayInputStream(archive.toByteArray()), parsers);
      assertThat(content.load(CT3_SERIES).volume().voxels()).as("parsers=%d", parsers).isEqualTo(expected);
    }
  }

  @Test
  void withParallelParsersTheFirstBadInstanceInArchiveOrderIsNamed() throws Exception {
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    try (StudyArchiveWriter w = StudyArchiveWriter.open(archive)) {
      w.add(Files.readAllBytes(data("ct-3slice-dcmqi/01.dcm")));
      w.add("1.2.3.998", "not DICOM at all".getBytes(StandardCharsets.US_ASCII));
      w.add(Files.readAllBytes(data("ct-3slice-dcmqi/02.dcm")));
      w.add("1.2.3.999", "nor this".getBytes(StandardCharsets.US_ASCII));
    }
    assertThatThrownBy(() -> StudyInputs.read("input-0", new ByteArrayInputStream(archive.toByteArray()), 4))
        .isInstanceOfSatisfying(AlgorithmException.class, e -> {
          assertThat(e.reason()).isEqualTo(AlgorithmException.Reason.BAD_INPUT);
          assertThat(e.subject()).isEqualTo("1.2.3.998");
        });
  }

  @Test
  void deeplyNestedInstanceIsBadInputNamingIt() throws Exception {
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    bomb.writeBytes(new byte[128]);
    bomb.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
    byte[] ts = "1.2.840.10008.1.2.1\0".getBytes(StandardCharsets.US_ASCII);
    bomb.writeBytes(new byte[] {0x02, 0x00, 0x10, 0x00, 'U', 'I', (byte) ts.length, 0});
    bomb.writeBytes(ts);
    for (int i = 0; i < 20_000; i++) {
      bomb.writeBytes(ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x0008).putShort((short) 0x1115)
          .put((byte) 'S').put((byte) 'Q').putShort((short) 0).putInt(-1).putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(-1).array());
    }
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    try (StudyArchiveWriter w = StudyArchiveWriter.open(archive)) {
      w.add("1.2.3.999", bomb.toByteArray());
    }
    assertThatThrownBy(() -> StudyInputs.read("input-0", new ByteArrayInputStream(archive.toByteArray())))
        .isInstanceOfSatisfying(AlgorithmException.class, e -> {
          assertThat(e.reason()).isEqualTo(AlgorithmException.Reason.BAD_INPUT);
          assertThat(e.subject()).isEqualTo("1.2.3.999");
          assertThat(e.getMessage()).contains("nested deeper than 32");
        });
  }
}
