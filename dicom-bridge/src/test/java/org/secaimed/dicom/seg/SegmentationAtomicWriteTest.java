package org.secaimed.dicom.seg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.LabelSlices;
import org.secaimed.dicom.volume.LabelVolume;

/** A SEG that fails part-way through writing leaves the previous file as it was and nothing else (issue 13). */
class SegmentationAtomicWriteTest {

  /** The fixture's labels, read again on every pass; once {@code failing} is set, a pass fails after its first slice. */
  static final class FailingLabels implements LabelSlices {
    final LabelVolume labels;
    volatile boolean failing;

    FailingLabels(LabelVolume labels) {
      this.labels = labels;
    }

    @Override
    public ImageGeometry geometry() {
      return labels.geometry();
    }

    @Override
    public Pass pass() {
      Pass inner = labels.pass();
      return new Pass() {
        int read;

        @Override
        public void next(byte[] slice) throws IOException {
          if (failing && read > 0) throw new IOException("disk full");
          inner.next(slice);
          read++;
        }

        @Override
        public void close() throws IOException {
          inner.close();
        }
      };
    }
  }

  @Test
  void aFailureMidWriteKeepsTheOldSegAndLeavesNoPartialFile(@TempDir Path tmp) throws Exception {
    SegFixtures f = SegFixtures.load("ct-24x38x3-dcmqi", "label.nrrd", "seg-example.json");
    FailingLabels labels = new FailingLabels(f.labels());
    Segmentation seg = SegmentationBuilder.forSource(f.series()).labels(labels, f.metadata().segments()).build();
    Path file = tmp.resolve("seg.dcm");
    seg.writeTo(file);
    byte[] before = Files.readAllBytes(file);

    labels.failing = true; // mid-way through the pixel data, after the header was written
    assertThatThrownBy(() -> seg.writeTo(file)).isInstanceOf(SegmentationException.class)
        .satisfies(e -> assertThat(((SegmentationException) e).reason()).isEqualTo(SegmentationException.Reason.WRITE_FAILED))
        .hasMessageContaining("disk full");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("seg.dcm");
    }
  }
}
