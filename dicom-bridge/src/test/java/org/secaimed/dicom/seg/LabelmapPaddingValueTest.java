package org.secaimed.dicom.seg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.secaimed.dicom.geometry.DicomAttributes.integer;
import static org.secaimed.dicom.geometry.DicomAttributes.item;
import static org.secaimed.dicom.geometry.DicomAttributes.string;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.secaimed.dicom.geometry.DicomAttributes;
import org.secaimed.dicom.seg.SegmentationException.Reason;

/**
 * Issue #11 item 8: LABELMAP SEGs (Supplement 243) that omit frames and declare a non-zero Pixel
 * Padding Value. The SEGs are written by our builder from dcmqi's sparse label map (label 1 on
 * slices k=0 and k=2 only, so the middle plane has no frame), then edited the way another writer
 * could have made them: background pixels and the background segment moved to the padding value.
 */
class LabelmapPaddingValueTest {

  private static SegFixtures sparse() throws Exception {
    return SegFixtures.load("ct-24x38x3-dcmqi", "sparse_labelmap_noppv_seg.nrrd", "seg-example.json");
  }

  private static AttributeList written(SegFixtures f) throws Exception {
    Segmentation s = SegmentationBuilder.forSource(f.series()).type(SegmentationType.LABELMAP)
        .labels(f.labels(), f.metadata().segments()).build();
    assertThat(s.frameCount()).as("the middle plane holds no label, so it has no frame").isEqualTo(2);
    return s.dataset();
  }

  /** Rewrites every pixel value {@code from} to {@code to} (8-bit frames) and declares Pixel Padding Value {@code padding}. */
  private static void repaint(AttributeList ds, int padding, int[][] fromTo) throws Exception {
    byte[] px = ds.getPixelData().getByteValues().clone();
    for (int p = 0; p < px.length; p++) {
      for (int[] ft : fromTo) {
        if ((px[p] & 0xFF) == ft[0]) { px[p] = (byte) ft[1]; break; }
      }
    }
    OtherByteAttribute pd = new OtherByteAttribute(DicomAttributes.tag("PixelData"));
    pd.setValues(px);
    ds.put(pd);
    Dcm.putInts(ds, "PixelPaddingValue", padding);
  }

  private static AttributeList segmentItem(AttributeList ds, int number) {
    SequenceAttribute seq = DicomAttributes.sequence(ds, "SegmentSequence");
    for (int i = 0; i < seq.getNumberOfItems(); i++) {
      AttributeList it = seq.getItem(i).getAttributeList();
      if (integer(it, "SegmentNumber") == number) return it;
    }
    throw new AssertionError("no segment " + number);
  }

  @Test
  void ourWriterDeclaresTheBackgroundItWrites() throws Exception {
    AttributeList ds = written(sparse());
    assertThat(integer(ds, "PixelPaddingValue")).isZero();
    AttributeList bg = segmentItem(ds, 0);
    assertThat(string(item(bg, "SegmentedPropertyTypeCodeSequence", 0), "CodeValue")).isEqualTo("125040");
    assertThat(string(item(bg, "SegmentedPropertyTypeCodeSequence", 0), "CodingSchemeDesignator")).isEqualTo("DCM");
  }

  /**
   * Pixel Padding Value 255 names the background; its segment item is typed "Tissue", not DCM
   * 125040, so the padding value is the only sign (dcmqi: "Pixel Padding Value is the only
   * indicator"). The omitted middle plane and the 255-pixels of present frames must read as no
   * segment; the old reader listed segment 255 as a structure.
   */
  @Test
  void omittedPlaneAndPaddingPixelsReadAsTheDeclaredBackground() throws Exception {
    SegFixtures f = sparse();
    AttributeList ds = written(f);
    repaint(ds, 255, new int[][] {{0, 255}});
    AttributeList bg = segmentItem(ds, 0);
    Dcm.putInts(bg, "SegmentNumber", 255);
    Dcm.putCode(bg, "SegmentedPropertyTypeCodeSequence", CodedConcept.sct("85756007", "Tissue"));

    SegmentationOnSeries back = SegmentationReader.read(ds, f.series());
    assertThat(back.segments()).extracting(SegmentDescription::number).containsExactly(1);
    assertThat(back.mask(255).isEmpty()).isTrue();
    assertThat(back.labels()).isEqualTo(f.labels().labels());
    int frame = f.series().rows() * f.series().columns();
    BitSet liver = back.mask(1);
    assertThat(liver.get(frame, 2 * frame).isEmpty()).as("omitted middle plane").isTrue();
    assertThat(liver.cardinality()).isPositive();
  }

  /** Same with padding 7 and the background segment also typed Background: reads back exactly. */
  @Test
  void typedBackgroundUnderPaddingSevenReadsBackExactly() throws Exception {
    SegFixtures f = sparse();
    AttributeList ds = written(f);
    repaint(ds, 7, new int[][] {{0, 7}});
    Dcm.putInts(segmentItem(ds, 0), "SegmentNumber", 7);
    SegmentationOnSeries back = SegmentationReader.read(ds, f.series());
    assertThat(back.segments()).extracting(SegmentDescription::number).containsExactly(1);
    assertThat(back.labels()).isEqualTo(f.labels().labels());
  }

  /**
   * Padding 7 is the background and pixel value 0 is the liver (Supplement 243 lets segment
   * numbers start at 0). Reading the omitted plane as 0 would make it liver; our label maps cannot
   * hold a segment 0 at all, so the reader must refuse instead of dropping the liver, as it did.
   */
  @Test
  void aStructureNumberedZeroIsRefusedNotSilentlyDropped() throws Exception {
    SegFixtures f = sparse();
    AttributeList ds = written(f);
    repaint(ds, 7, new int[][] {{0, 7}, {1, 0}});
    Dcm.putInts(segmentItem(ds, 0), "SegmentNumber", 7);
    Dcm.putInts(segmentItem(ds, 1), "SegmentNumber", 0);
    assertThatThrownBy(() -> SegmentationReader.read(ds, f.series()))
        .isInstanceOfSatisfying(SegmentationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED))
        .hasMessageContaining("segment 0").hasMessageContaining("Pixel Padding Value 7");
  }

  @Test
  void aPaddingValueThatCannotBeAPixelIsMalformed() throws Exception {
    SegFixtures f = sparse();
    AttributeList ds = written(f);
    Dcm.putInts(ds, "PixelPaddingValue", 300);
    assertThatThrownBy(() -> SegmentationReader.read(ds, f.series()))
        .isInstanceOfSatisfying(SegmentationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED))
        .hasMessageContaining("PixelPaddingValue 300");
  }
}
