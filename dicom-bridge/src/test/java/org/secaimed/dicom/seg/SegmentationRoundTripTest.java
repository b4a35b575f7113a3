package org.secaimed.dicom.seg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.secaimed.dicom.testsupport.TestData.dciodvfyErrors;
import static org.secaimed.dicom.testsupport.TestData.dicom;
import static org.secaimed.dicom.testsupport.TestData.python;

import com.pixelmed.dicom.AttributeList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.DicomAttributes;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.geometry.SyntheticSeries;
import org.secaimed.dicom.seg.SegmentationException.Reason;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.LabelVolume;

class SegmentationRoundTripTest {

  static final LocalDateTime WHEN = LocalDateTime.of(2026, 11, 22, 3, 0, 0);

  static Stream<Arguments> pairs() {
    List<Arguments> out = new ArrayList<>();
    String[][] pairs = {
        {"ct-3slice-dcmqi", "liver_seg.nrrd", "seg-example.json"},
        {"ct-3slice-dcmqi", "liver_spine_seg.nrrd", "seg-example_liver_spine.json"},
        {"ct-3slice-dcmqi", "liver_spine_gapped_seg.nrrd", "seg-example_liver_spine_gapped.json"},
        {"ct-3slice-dcmqi", "heart_seg.nrrd", "seg-example_multiple_segments.json"},
        {"ct-24x38x3-dcmqi", "label.nrrd", "seg-example.json"},
        {"ct-24x38x3-dcmqi", "sparse_labelmap_noppv_seg.nrrd", "seg-example.json"}};
    for (String[] p : pairs) {
      for (SegmentationType t : SegmentationType.values()) out.add(Arguments.of(p[0], p[1], p[2], t));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}/{1} as {3}")
  @MethodSource("pairs")
  void sharedPairsRoundTripAndValidate(String folder, String labelFile, String metadataFile, SegmentationType type, @TempDir Path tmp)
      throws Exception {
    SegFixtures f = SegFixtures.load(folder, labelFile, metadataFile);
    Segmentation seg = SegmentationBuilder.forSource(f.series()).type(type).labels(f.labels(), f.metadata().segments())
        .algorithm("test-model", "1.0").uidSeed("round-trip").contentDateTime(WHEN).build();
    Path out = tmp.resolve("seg.dcm");
    seg.writeTo(out);

    if (type != SegmentationType.LABELMAP) {
      // Debian's dciodvfy (dicom3tools 20220618) predates Supplement 243 and cannot validate LABELMAP
      // ("Information Object Not found"); BINARY and FRACTIONAL must be clean.
      assertThat(dciodvfyErrors(out)).isEmpty();
    }
    // pydicom decodes what we wrote: frame count, and the sum of all pixel values.
    String py = python("""
        import sys, pydicom
        d = pydicom.dcmread(sys.argv[1])
        a = d.pixel_array
        print(d.SOPClassUID, int(d.NumberOfFrames), int(a.astype('int64').sum()))
        print(d.PatientID, d.StudyInstanceUID, d.FrameOfReferenceUID, d.Modality)
        """, out.toString());
    long expectedSum = 0;
    byte[] in = f.labels().labels();
    for (byte b : in) {
      int v = b & 0xFF;
      if (v != 0) expectedSum += switch (type) { case BINARY -> 1; case FRACTIONAL -> 255; case LABELMAP -> v; };
    }
    var ctx = f.series().context();
    assertThat(py).isEqualTo(type.sopClassUid() + " " + seg.frameCount() + " " + expectedSum + "\n"
        + ctx.value("PatientID") + " " + ctx.studyInstanceUid() + " " + ctx.frameOfReferenceUid() + " SEG");

    // Read back: every voxel equals the input label, under the writer's label -> segment numbering.
    byte[] back = SegmentationReader.read(out, f.series()).labels();
    byte[] expected = new byte[in.length];
    for (int i = 0; i < in.length; i++) {
      int v = in[i] & 0xFF;
      expected[i] = v == 0 ? 0 : (byte) (int) seg.labelToSegment().get(v);
    }
    assertThat(back).isEqualTo(expected);
    if (type == SegmentationType.LABELMAP || !labelFile.contains("gapped")) assertThat(back).isEqualTo(in);
  }

  @Test
  void framesReferenceTheSameSourceInstancesAsDcmqi(@TempDir Path tmp) throws Exception {
    for (String[] c : new String[][] {{"ct-3slice-dcmqi", "liver_seg.nrrd", "seg_liver_dcmqi.dcm"},
        {"ct-24x38x3-dcmqi", "label.nrrd", "seg_binary_dcmqi.dcm"}}) {
      SegFixtures f = SegFixtures.load(c[0], c[1], "seg-example.json");
      Path out = tmp.resolve(c[0] + ".dcm");
      SegmentationBuilder.forSource(f.series()).labels(f.labels(), f.metadata().segments()).build().writeTo(out);
      Map<String, String> ours = referencesByPosition(out);
      Map<String, String> dcmqi = referencesByPosition(dicom(c[0] + "/" + c[2]));
      assertThat(ours).isNotEmpty();
      // dcmqi keeps empty frames in the 24x38x3 SEG; every frame we write must match dcmqi's frame at that position.
      for (Map.Entry<String, String> e : ours.entrySet()) assertThat(dcmqi).containsEntry(e.getKey(), e.getValue());
      assertThat(referencedSeries(out)).isEqualTo(referencedSeries(dicom(c[0] + "/" + c[2])));
    }
  }

  private static Map<String, String> referencesByPosition(Path seg) throws Exception {
    AttributeList l = new AttributeList();
    l.read(seg.toFile());
    Map<String, String> m = new TreeMap<>();
    int n = DicomAttributes.sequence(l, "PerFrameFunctionalGroupsSequence").getNumberOfItems();
    for (int i = 0; i < n; i++) {
      AttributeList pf = DicomAttributes.item(l, "PerFrameFunctionalGroupsSequence", i);
      double[] ipp = DicomAttributes.doubles(DicomAttributes.item(pf, "PlanePositionSequence", 0), "ImagePositionPatient");
      AttributeList src = DicomAttributes.item(DicomAttributes.item(pf, "DerivationImageSequence", 0), "SourceImageSequence", 0);
      m.put(String.format(java.util.Locale.ROOT, "%.3f", ipp[2]), DicomAttributes.string(src, "ReferencedSOPInstanceUID"));
    }
    return m;
  }

  private static List<String> referencedSeries(Path seg) throws Exception {
    AttributeList l = new AttributeList();
    l.read(seg.toFile());
    AttributeList rs = DicomAttributes.item(l, "ReferencedSeriesSequence", 0);
    List<String> uids = new ArrayList<>();
    uids.add(DicomAttributes.string(rs, "SeriesInstanceUID"));
    var seq = DicomAttributes.sequence(rs, "ReferencedInstanceSequence");
    List<String> inst = new ArrayList<>();
    for (int i = 0; i < seq.getNumberOfItems(); i++) inst.add(DicomAttributes.string(seq.getItem(i).getAttributeList(), "ReferencedSOPInstanceUID"));
    inst.sort(null);
    uids.addAll(inst);
    return uids;
  }

  @Test
  void sameInputAndSeedGiveIdenticalBytes(@TempDir Path tmp) throws Exception {
    SegFixtures f = SegFixtures.load("ct-3slice-dcmqi", "liver_spine_seg.nrrd", "seg-example_liver_spine.json");
    Path a = tmp.resolve("a.dcm"), b = tmp.resolve("b.dcm"), c = tmp.resolve("c.dcm");
    build(f, "task-42").writeTo(a);
    build(SegFixtures.load("ct-3slice-dcmqi", "liver_spine_seg.nrrd", "seg-example_liver_spine.json"), "task-42").writeTo(b);
    Segmentation other = build(f, "task-43");
    other.writeTo(c);
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    assertThat(Files.readAllBytes(a)).isNotEqualTo(Files.readAllBytes(c));
    assertThat(other.sopInstanceUid()).startsWith("2.25.").isNotEqualTo(build(f, "task-42").sopInstanceUid());
    // Unseeded builds get fresh UIDs.
    Segmentation r1 = SegmentationBuilder.forSource(f.series()).labels(f.labels(), f.metadata().segments()).build();
    Segmentation r2 = SegmentationBuilder.forSource(f.series()).labels(f.labels(), f.metadata().segments()).build();
    assertThat(r1.sopInstanceUid()).isNotEqualTo(r2.sopInstanceUid());
  }

  private static Segmentation build(SegFixtures f, String seed) throws Exception {
    return SegmentationBuilder.forSource(f.series()).labels(f.labels(), f.metadata().segments())
        .uidSeed(seed).contentDateTime(WHEN).build();
  }

  @Test
  void overlappingSegmentsFromMasksAreKeptInBinary(@TempDir Path tmp) throws Exception {
    SegFixtures liver = SegFixtures.load("ct-3slice-dcmqi", "liver_seg.nrrd", "seg-example_multiple_segments.json");
    SegFixtures heart = SegFixtures.load("ct-3slice-dcmqi", "heart_seg.nrrd", "seg-example_multiple_segments.json");
    List<SegmentDescription> d = liver.metadata().segments();
    byte[] liverMask = liver.labels().labels(), heartMask = heart.labels().labels();
    int overlap = 0;
    for (int i = 0; i < liverMask.length; i++) if (liverMask[i] != 0 && heartMask[i] != 0) overlap++;
    assertThat(overlap).isEqualTo(522);
    Path out = tmp.resolve("overlap.dcm");
    SegmentationBuilder.forSource(liver.series()).type(SegmentationType.BINARY)
        .addSegment(d.get(0), liverMask).addSegment(d.get(2), heartMask).build().writeTo(out);
    assertThat(dciodvfyErrors(out)).isEmpty();
    SegmentationOnSeries back = SegmentationReader.read(out, liver.series());
    assertThat(back.mask(1)).isEqualTo(bits(liverMask));
    assertThat(back.mask(2)).isEqualTo(bits(heartMask));
    assertThatThrownBy(back::labels).isInstanceOfSatisfying(SegmentationException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.OVERLAPPING_SEGMENTS));
    assertThatThrownBy(() -> SegmentationBuilder.forSource(liver.series()).type(SegmentationType.LABELMAP)
        .addSegment(d.get(0), liverMask).build())
        .isInstanceOfSatisfying(SegmentationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_INPUT));
  }

  private static BitSet bits(byte[] mask) {
    BitSet b = new BitSet();
    for (int i = 0; i < mask.length; i++) if (mask[i] != 0) b.set(i);
    return b;
  }

  @Test
  void rotatedMrWith128SlicesRoundTrips(@TempDir Path tmp) throws Exception {
    AssembledSeries mr = SeriesAssembler.create().withPixels(false).addDirectory(dicom("mr-pacsman-128")).assemble();
    ImageGeometry g = mr.geometry();
    byte[] lab = new byte[(int) g.voxelCount()];
    for (int k = 0; k < 128; k++) for (int j = 0; j < 128; j++) for (int i = 0; i < 128; i++) {
      int idx = i + 128 * (j + 128 * k);
      if ((i - 64) * (i - 64) + (j - 60) * (j - 60) + (k - 70) * (k - 70) < 900) lab[idx] = 1;
      else if (i > 10 && i < 30 && j > 90 && k > 20 && k < 40) lab[idx] = 2;
    }
    LabelVolume labels = new LabelVolume(g, lab);
    List<SegmentDescription> d = List.of(
        new SegmentDescription(1, "Brain", CodedConcept.sct("85756007", "Tissue"), CodedConcept.sct("12738006", "Brain"), null,
            SegmentDescription.AlgorithmType.AUTOMATIC, "test", new int[] {200, 100, 50}),
        new SegmentDescription(2, "Box", CodedConcept.sct("49755003", "Morphologically Abnormal Structure"),
            CodedConcept.sct("108369006", "Neoplasm"), null, SegmentDescription.AlgorithmType.MANUAL, null, null));
    for (SegmentationType t : SegmentationType.values()) {
      Path out = tmp.resolve(t + ".dcm");
      Segmentation seg = SegmentationBuilder.forSource(mr).type(t).labels(labels, d).build();
      seg.writeTo(out);
      if (t != SegmentationType.LABELMAP) assertThat(dciodvfyErrors(out)).as(t.name()).isEmpty();
      assertThat(SegmentationReader.read(out, mr).labels()).as(t.name()).isEqualTo(lab);
      SegmentationOnSeries back = SegmentationReader.read(out, mr);
      assertThat(back.segments()).extracting(SegmentDescription::label).containsExactly("Brain", "Box");
      assertThat(back.segments().get(0).recommendedDisplayRgb()).containsExactly(200, 100, 50);
    }
  }

  @Test
  void bitPackingRunsAcrossFramesWhenFramesAreNotWholeBytes(@TempDir Path tmp) throws Exception {
    // 13 x 11 = 143 pixels per frame: every frame but the first starts mid-byte.
    AssembledSeries s = SeriesAssembler.create().withPixels(false).addAll(SyntheticSeries.ct(13, 11, 5, 2.0).iterator()).assemble();
    java.util.Random rnd = new java.util.Random(7);
    byte[] m1 = new byte[13 * 11 * 5], m2 = new byte[m1.length];
    for (int i = 0; i < m1.length; i++) {
      m1[i] = (byte) (rnd.nextInt(3) == 0 ? 1 : 0);
      m2[i] = (byte) (rnd.nextInt(4) == 0 ? 1 : 0);
    }
    java.util.Arrays.fill(m2, 143 * 2, 143 * 3, (byte) 0); // an empty frame to omit
    List<SegmentDescription> d = List.of(
        new SegmentDescription(1, "A", CodedConcept.sct("85756007", "Tissue"), CodedConcept.sct("10200004", "Liver"), null,
            SegmentDescription.AlgorithmType.MANUAL, null, null),
        new SegmentDescription(2, "B", CodedConcept.sct("85756007", "Tissue"), CodedConcept.sct("78961009", "Spleen"), null,
            SegmentDescription.AlgorithmType.MANUAL, null, null));
    Path out = tmp.resolve("packed.dcm");
    Segmentation seg = SegmentationBuilder.forSource(s).addSegment(d.get(0), m1).addSegment(d.get(1), m2).build();
    seg.writeTo(out);
    assertThat(seg.frameCount()).isEqualTo(9);
    assertThat(dciodvfyErrors(out)).isEmpty();
    SegmentationOnSeries back = SegmentationReader.read(out, s);
    assertThat(back.mask(1)).isEqualTo(bits(m1));
    assertThat(back.mask(2)).isEqualTo(bits(m2));
    // pydicom unpacks the continuous bit stream independently: per frame (segment, z, pixel string).
    String py = python("""
        import sys, pydicom
        d = pydicom.dcmread(sys.argv[1]); a = d.pixel_array
        for i, f in enumerate(d.PerFrameFunctionalGroupsSequence):
            n = f.SegmentIdentificationSequence[0].ReferencedSegmentNumber
            z = float(f.PlanePositionSequence[0].ImagePositionPatient[2])
            print(n, round(z, 3), ''.join(str(int(v)) for v in a[i].ravel()))
        """, out.toString());
    StringBuilder expected = new StringBuilder();
    for (int seg2 = 1; seg2 <= 2; seg2++) {
      byte[] m = seg2 == 1 ? m1 : m2;
      for (int k = 0; k < 5; k++) {
        StringBuilder px = new StringBuilder();
        boolean any = false;
        for (int p = 0; p < 143; p++) {
          px.append(m[k * 143 + p] != 0 ? '1' : '0');
          any |= m[k * 143 + p] != 0;
        }
        if (any) expected.append(seg2).append(' ').append(-100.0 + 2 * k).append(' ').append(px).append('\n');
      }
    }
    assertThat(py).isEqualTo(expected.toString().trim());
  }

  @Test
  void undescribedLabelsAndBadFieldsAreRefused() throws Exception {
    SegFixtures f = SegFixtures.load("ct-3slice-dcmqi", "liver_spine_seg.nrrd", "seg-example.json");
    assertThatThrownBy(() -> SegmentationBuilder.forSource(f.series()).labels(f.labels(), f.metadata().segments()).build())
        .isInstanceOfSatisfying(SegmentationException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.UNDESCRIBED_LABEL);
          assertThat(e.getMessage()).contains("label value 2");
        });
    SegFixtures ok = SegFixtures.load("ct-3slice-dcmqi", "liver_seg.nrrd", "seg-example.json");
    assertThatThrownBy(() -> SegmentationBuilder.forSource(ok.series()).labels(ok.labels(), ok.metadata().segments())
        .contentLabel("lower case").build())
        .isInstanceOfSatisfying(SegmentationException.class, e -> assertThat(e.getMessage()).contains("ContentLabel"));
    assertThatThrownBy(() -> SegmentationBuilder.forSource(ok.series()).labels(ok.labels(), ok.metadata().segments())
        .algorithm("model", null).build())
        .isInstanceOfSatisfying(SegmentationException.class, e -> assertThat(e.getMessage()).contains("algorithm"));
  }

  @Test
  void labelVolumeOnAnotherGridIsAGeometryMismatch() throws Exception {
    SegFixtures f = SegFixtures.load("ct-3slice-dcmqi", "liver_seg.nrrd", "seg-example.json");
    ImageGeometry g = f.labels().geometry();
    double[] o = g.origin();
    o[0] += 0.5;
    ImageGeometry shifted = new ImageGeometry(g.columns(), g.rows(), g.slices(), g.spacing(), o, g.rowDirection(),
        g.columnDirection(), g.sliceDirection());
    assertThatThrownBy(() -> SegmentationBuilder.forSource(f.series())
        .labels(new LabelVolume(shifted, f.labels().labels()), f.metadata().segments()).build())
        .isInstanceOfSatisfying(SegmentationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.GEOMETRY_MISMATCH));
  }
}
