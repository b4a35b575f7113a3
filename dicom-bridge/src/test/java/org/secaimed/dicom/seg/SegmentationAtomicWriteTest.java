package org.secaimed.dicom.seg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.OtherByteAttribute;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A SEG that fails part-way through writing leaves the previous file as it was and nothing else (issue 13). */
class SegmentationAtomicWriteTest {

  /** Fails when its turn comes: after every attribute before it (pixel data included) has been written. */
  static final class FailingAttribute extends OtherByteAttribute {
    FailingAttribute() {
      super(new AttributeTag(0x7FE1, 0x0010));
    }

    @Override
    public void write(DicomOutputStream o) throws IOException {
      o.flush();
      throw new IOException("disk full");
    }
  }

  @Test
  void aFailureMidWriteKeepsTheOldSegAndLeavesNoPartialFile(@TempDir Path tmp) throws Exception {
    SegFixtures f = SegFixtures.load("ct-24x38x3-dcmqi", "label.nrrd", "seg-example.json");
    Segmentation seg = SegmentationBuilder.forSource(f.series()).labels(f.labels(), f.metadata().segments()).build();
    Path file = tmp.resolve("seg.dcm");
    seg.writeTo(file);
    byte[] before = Files.readAllBytes(file);

    seg.dataset().put(new FailingAttribute());
    assertThatThrownBy(() -> seg.writeTo(file)).isInstanceOf(SegmentationException.class)
        .satisfies(e -> assertThat(((SegmentationException) e).reason()).isEqualTo(SegmentationException.Reason.WRITE_FAILED))
        .hasMessageContaining("disk full");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("seg.dcm");
    }
  }
}
