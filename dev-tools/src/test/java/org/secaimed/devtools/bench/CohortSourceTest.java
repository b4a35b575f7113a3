package org.secaimed.devtools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.devtools.phantom.PhantomSeries;

/** The cohort bench's source: each series is the template with every UID rewritten, pixels untouched, a fresh array per instance. */
class CohortSourceTest {
  @TempDir Path dir;

  @Test
  void everySeriesCarriesItsOwnUidsAndTheTemplatesPixels() throws Exception {
    PhantomSeries template = new PhantomSeries(CtPhantom.builder().size(64, 64, 8).seed(7).build());
    template.writeTo(dir);
    CohortSource source = new CohortSource(dir, template, 3);
    List<byte[]> first = new ArrayList<>();
    List<String> firstUids = new ArrayList<>();
    source.forEachInstance(source.seriesUid(1), (uid, bytes) -> {
      first.add(bytes);
      firstUids.add(uid);
    });
    List<byte[]> again = new ArrayList<>();
    source.forEachInstance(source.seriesUid(2), (uid, bytes) -> again.add(bytes));

    assertThat(first).hasSize(8);
    for (int k = 0; k < 8; k++) {
      AttributeList a = read(first.get(k));
      AttributeList t = read(template.instance(k));
      assertThat(a.get(TagFromName.SeriesInstanceUID).getSingleStringValueOrEmptyString()).isEqualTo(source.seriesUid(1));
      assertThat(a.get(TagFromName.SOPInstanceUID).getSingleStringValueOrEmptyString()).isEqualTo(firstUids.get(k))
          .isEqualTo(CohortSource.variant(template.sopInstanceUid(k), 1));
      assertThat(a.get(TagFromName.StudyInstanceUID).getSingleStringValueOrEmptyString())
          .isEqualTo(CohortSource.variant(template.studyInstanceUid(), 1)).isNotEqualTo(template.studyInstanceUid());
      assertThat(a.get(TagFromName.FrameOfReferenceUID).getSingleStringValueOrEmptyString())
          .isEqualTo(CohortSource.variant(template.frameOfReferenceUid(), 1));
      assertThat(a.get(TagFromName.PixelData).getShortValues()).isEqualTo(t.get(TagFromName.PixelData).getShortValues());
      assertThat(again.get(k)).isNotSameAs(first.get(k)).isNotEqualTo(first.get(k));
    }
  }

  private static AttributeList read(byte[] part10) throws Exception {
    AttributeList l = new AttributeList();
    l.read(new com.pixelmed.dicom.DicomInputStream(new DataInputStream(new ByteArrayInputStream(part10))));
    return l;
  }
}
