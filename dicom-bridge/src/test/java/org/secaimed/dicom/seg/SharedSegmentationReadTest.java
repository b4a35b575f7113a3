package org.secaimed.dicom.seg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.secaimed.dicom.testsupport.TestData.dicom;
import static org.secaimed.dicom.testsupport.TestData.python;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.labelmap.LabelMapAlignment;
import org.secaimed.dicom.labelmap.LabelMapFiles;
import org.secaimed.dicom.seg.SegmentationException.Reason;

/** Every SEG in the shared data (dcmqi, highdicom; BINARY, FRACTIONAL, LABELMAP) reads back to what it was made from. */
class SharedSegmentationReadTest {

  private static byte[] labelsOf(String folder, String labelFile, AssembledSeries series) throws Exception {
    return LabelMapAlignment.onto(LabelMapFiles.read(dicom(folder + "/" + labelFile)), series.geometry()).labels();
  }

  @Test
  void dcmqiBinaryLiverReadsBackToItsLabelMap() throws Exception {
    AssembledSeries s = SeriesAssembler.create().withPixels(false).addDirectory(dicom("ct-3slice-dcmqi")).assemble();
    SegmentationOnSeries seg = SegmentationReader.read(dicom("ct-3slice-dcmqi/seg_liver_dcmqi.dcm"), s);
    assertThat(seg.type()).isEqualTo(SegmentationType.BINARY);
    assertThat(seg.segments()).hasSize(1);
    assertThat(seg.segments().get(0).type().value()).isEqualTo("T-62000"); // 2016 file: retired SRT codes
    assertThat(seg.labels()).isEqualTo(labelsOf("ct-3slice-dcmqi", "liver_seg.nrrd", s));
  }

  @Test
  void dcmqiBinaryAndLabelmapOnTheTinyCtReadBack() throws Exception {
    AssembledSeries s = SeriesAssembler.create().withPixels(false).addDirectory(dicom("ct-24x38x3-dcmqi")).assemble();
    assertThat(SegmentationReader.read(dicom("ct-24x38x3-dcmqi/seg_binary_dcmqi.dcm"), s).labels())
        .isEqualTo(labelsOf("ct-24x38x3-dcmqi", "label.nrrd", s));
    SegmentationOnSeries lm = SegmentationReader.read(dicom("ct-24x38x3-dcmqi/seg_labelmap_noppv_dcmqi.dcm"), s);
    assertThat(lm.type()).isEqualTo(SegmentationType.LABELMAP);
    assertThat(lm.segments()).extracting(SegmentDescription::label).containsExactly("Liver"); // background segment 0 dropped
    assertThat(lm.labels()).isEqualTo(labelsOf("ct-24x38x3-dcmqi", "sparse_labelmap_noppv_seg.nrrd", s));
  }

  @Test
  void highdicomBinaryAndFractionalOnTheIrregularSeriesReadBack() throws Exception {
    AssembledSeries s = SeriesAssembler.create().withPixels(false).allowIrregularSpacing(true)
        .addDirectory(dicom("ct-tiny4-pydicom")).assemble();
    for (String file : new String[] {"seg_image_ct_binary.dcm", "seg_image_ct_binary_fractional.dcm"}) {
      byte[] ours = SegmentationReader.read(dicom("ct-tiny4-pydicom/" + file), s).labels();
      assertThat(render(ours, s)).as(file).isEqualTo(pydicomBySource(dicom("ct-tiny4-pydicom/" + file), s));
      int set = 0;
      for (byte b : ours) if (b != 0) set++;
      assertThat(set).as(file).isPositive();
    }
  }

  @Test
  void highdicomSingleFrameReadsBack() throws Exception {
    AssembledSeries s = SeriesAssembler.create().withPixels(false).addFile(dicom("single-pydicom/CT_small.dcm")).assemble();
    Path seg = dicom("single-pydicom/seg_image_ct_binary_single_frame.dcm");
    assertThat(render(SegmentationReader.read(seg, s).labels(), s)).isEqualTo(pydicomBySource(seg, s));
  }

  /** Per source slice (in our order): the label string, from our decoding. */
  private static String render(byte[] labels, AssembledSeries s) {
    int fs = s.rows() * s.columns();
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < s.slices(); k++) {
      b.append(s.frames().get(k).sopInstanceUid()).append(' ');
      for (int p = 0; p < fs; p++) b.append(labels[k * fs + p]);
      b.append('\n');
    }
    return b.toString().trim();
  }

  /** The same, decoded by pydicom and placed by each frame's referenced source instance (threshold 0.5 for FRACTIONAL). */
  private static String pydicomBySource(Path seg, AssembledSeries s) throws Exception {
    String[] uids = s.frames().stream().map(f -> f.sopInstanceUid()).toArray(String[]::new);
    String[] args = new String[uids.length + 1];
    args[0] = seg.toString();
    System.arraycopy(uids, 0, args, 1, uids.length);
    return python("""
        import sys, pydicom, numpy as np
        d = pydicom.dcmread(sys.argv[1]); a = d.pixel_array
        if a.ndim == 2: a = a[None]
        frac = d.SegmentationType == 'FRACTIONAL'
        mx = int(getattr(d, 'MaximumFractionalValue', 1))
        out = {u: np.zeros((d.Rows, d.Columns), dtype=int) for u in sys.argv[2:]}
        for i, f in enumerate(d.PerFrameFunctionalGroupsSequence):
            ref = f.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID
            seg = getattr(f, 'SegmentIdentificationSequence', None) or d.SharedFunctionalGroupsSequence[0].SegmentIdentificationSequence
            n = seg[0].ReferencedSegmentNumber
            m = (a[i].astype(int) * 2 >= mx) & (a[i] != 0) if frac else a[i] != 0
            out[ref][m] = n
        for u in sys.argv[2:]:
            print(u, ''.join(str(v) for v in out[u].ravel()))
        """, args);
  }

  @Test
  void aSegOnAnotherSeriesIsAGeometryMismatch() throws Exception {
    AssembledSeries other = SeriesAssembler.create().withPixels(false).addDirectory(dicom("ct-3slice-dcmqi")).assemble();
    assertThatThrownBy(() -> SegmentationReader.read(dicom("ct-24x38x3-dcmqi/seg_binary_dcmqi.dcm"), other))
        .isInstanceOfSatisfying(SegmentationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.GEOMETRY_MISMATCH));
  }

  @Test
  void aTruncatedSegIsMalformed(@TempDir Path tmp) throws Exception {
    AssembledSeries s = SeriesAssembler.create().withPixels(false).addDirectory(dicom("ct-3slice-dcmqi")).assemble();
    byte[] full = Files.readAllBytes(dicom("ct-3slice-dcmqi/seg_liver_dcmqi.dcm"));
    Path cut = tmp.resolve("cut.dcm");
    Files.write(cut, Arrays.copyOf(full, full.length - 5000));
    assertThatThrownBy(() -> SegmentationReader.read(cut, s))
        .isInstanceOfSatisfying(SegmentationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
  }

  @Test
  void aCtImageIsNotASegmentation() throws Exception {
    AssembledSeries s = SeriesAssembler.create().withPixels(false).addDirectory(dicom("ct-3slice-dcmqi")).assemble();
    assertThatThrownBy(() -> SegmentationReader.read(dicom("ct-3slice-dcmqi/01.dcm"), s))
        .isInstanceOfSatisfying(SegmentationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED));
  }
}
