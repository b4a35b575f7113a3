package org.secaimed.dicom.seg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.secaimed.dicom.testsupport.TestData.dciodvfyErrors;
import static org.secaimed.dicom.testsupport.TestData.dicom;
import static org.secaimed.dicom.testsupport.TestData.tool;

import com.pixelmed.dicom.AttributeList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.DicomAttributes;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.labelmap.LabelMapAlignment;
import org.secaimed.dicom.labelmap.LabelMapFiles;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.LabelVolume;

/** Issue 11 item 6: the smaller SEG defects of the 2026-12-02 review (D3, D5, D7, D8, D10). */
class SegmentationSmallDefectsTest {

  @Test
  void segsAndLabelMapsGetTheModeTheUmaskGives(@TempDir Path tmp) throws Exception {
    SegFixtures f = SegFixtures.load("ct-24x38x3-dcmqi", "label.nrrd", "seg-example.json");
    Path seg = tmp.resolve("seg.dcm"), nrrd = tmp.resolve("back.nrrd"), nii = tmp.resolve("back.nii.gz");
    SegmentationBuilder.forSource(f.series()).labels(f.labels(), f.metadata().segments()).build().writeTo(seg);
    LabelMapFiles.write(f.labels(), nrrd);
    LabelMapFiles.write(f.labels(), nii);
    Set<PosixFilePermission> expected = fromUmask(Integer.parseInt(tool("sh", "-c", "umask").trim(), 8));
    assertThat(expected).contains(PosixFilePermission.OTHERS_READ); // the CI's and Debian's default umask 022
    for (Path p : new Path[] {seg, nrrd, nii}) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(p.getFileName().toString())
          .isEqualTo(PosixFilePermissions.toString(expected));
    }
    try (var s = Files.list(tmp)) {
      assertThat(s.filter(p -> p.getFileName().toString().endsWith(".partial"))).isEmpty();
    }
  }

  @Test
  void oneSliceSeriesTakesALabelMapWhateverItsZSpacing(@TempDir Path tmp) throws Exception {
    AssembledSeries ct = SeriesAssembler.create().withPixels(false).addFile(dicom("single-pydicom/CT_small.dcm")).assemble();
    ImageGeometry g = ct.geometry();
    assertThat(g.spacing()[2]).isNotEqualTo(1.0); // SliceThickness stands in for the spacing
    ImageGeometry itk = new ImageGeometry(g.columns(), g.rows(), 1, new double[] {g.spacing()[0], g.spacing()[1], 1.0}, g.origin(),
        g.rowDirection(), g.columnDirection(), g.sliceDirection());
    byte[] labels = new byte[g.columns() * g.rows()];
    for (int i = 100; i < 900; i++) labels[i] = 1;
    Path file = tmp.resolve("one.nii.gz");
    LabelMapFiles.write(new LabelVolume(itk, labels), file);
    LabelVolume aligned = LabelMapAlignment.onto(LabelMapFiles.read(file), g);
    assertThat(aligned.labels()).isEqualTo(labels);
  }

  @Test
  void aReusedSeedWithOtherContentGetsOtherUids(@TempDir Path tmp) throws Exception {
    SegFixtures liver = SegFixtures.load("ct-3slice-dcmqi", "liver_seg.nrrd", "seg-example.json");
    Segmentation a = build(liver, "task-42");
    Segmentation again = build(liver, "task-42");
    byte[] changed = liver.labels().labels().clone();
    changed[changed.length / 2] = 1;
    Segmentation corrected = SegmentationBuilder.forSource(liver.series()).labels(new LabelVolume(liver.labels().geometry(), changed),
        liver.metadata().segments()).uidSeed("task-42").contentDateTime(SegmentationRoundTripTest.WHEN).build();
    assertThat(again.sopInstanceUid()).isEqualTo(a.sopInstanceUid());
    assertThat(corrected.sopInstanceUid()).isNotEqualTo(a.sopInstanceUid());
    assertThat(corrected.seriesInstanceUid()).isNotEqualTo(a.seriesInstanceUid());
  }

  @Test
  void threeDimensionalOrganisationOnlyForOneSegmentOnContiguousSlices(@TempDir Path tmp) throws Exception {
    SegFixtures liver = SegFixtures.load("ct-3slice-dcmqi", "liver_seg.nrrd", "seg-example.json");
    SegFixtures liverSpine = SegFixtures.load("ct-3slice-dcmqi", "liver_spine_seg.nrrd", "seg-example_liver_spine.json");
    assertThat(DicomAttributes.string(build(liver, "d").dataset(), "DimensionOrganizationType")).isEqualTo("3D");
    Segmentation two = build(liverSpine, "d");
    assertThat(DicomAttributes.string(two.dataset(), "DimensionOrganizationType")).isNull();
    Path out = tmp.resolve("two.dcm");
    two.writeTo(out);
    assertThat(dciodvfyErrors(out)).isEmpty();
  }

  @Test
  void contentTimesCarryTheirTimezoneOffset() throws Exception {
    SegFixtures f = SegFixtures.load("ct-24x38x3-dcmqi", "label.nrrd", "seg-example.json");
    AttributeList utc = SegmentationBuilder.forSource(f.series()).labels(f.labels(), f.metadata().segments())
        .contentDateTime(SegmentationRoundTripTest.WHEN).build().dataset();
    AttributeList berlin = SegmentationBuilder.forSource(f.series()).labels(f.labels(), f.metadata().segments())
        .contentDateTime(SegmentationRoundTripTest.WHEN).zone(ZoneId.of("Europe/Berlin")).build().dataset();
    assertThat(DicomAttributes.string(utc, "TimezoneOffsetFromUTC")).isEqualTo("+0000");
    assertThat(DicomAttributes.string(berlin, "TimezoneOffsetFromUTC")).isEqualTo("+0100");
    assertThat(DicomAttributes.string(berlin, "ContentTime")).isEqualTo(DicomAttributes.string(utc, "ContentTime"));
  }

  @Test
  void descriptionsTrackingIdsAndModifiersAreKept(@TempDir Path tmp) throws Exception {
    String json = Files.readString(dicom("dcmqi-metadata/examples/seg-example.json")).replace("\"SegmentAlgorithmType\"", """
        "SegmentedPropertyTypeModifierCodeSequence": {"CodeValue": "24028007", "CodingSchemeDesignator": "SCT", "CodeMeaning": "Right"},
        "AnatomicRegionSequence": {"CodeValue": "10200004", "CodingSchemeDesignator": "SCT", "CodeMeaning": "Liver"},
        "AnatomicRegionModifierSequence": {"CodeValue": "255503000", "CodingSchemeDesignator": "SCT", "CodeMeaning": "Entire"},
        "SegmentAlgorithmType\"""");
    Path md = tmp.resolve("md.json");
    Files.writeString(md, json);
    SegFixtures f = SegFixtures.load("ct-24x38x3-dcmqi", "label.nrrd", "seg-example.json");
    var meta = org.secaimed.dicom.metadata.DcmqiMetadata.read(md);
    Path out = tmp.resolve("seg.dcm");
    SegmentationBuilder.forSource(f.series()).labels(f.labels(), meta.segments()).build().writeTo(out);
    assertThat(dciodvfyErrors(out)).isEmpty();
    String py = org.secaimed.dicom.testsupport.TestData.python("""
        import sys, pydicom
        s = pydicom.dcmread(sys.argv[1]).SegmentSequence[0]
        print(s.SegmentDescription, '|', s.TrackingID, '|', s.TrackingUID, '|',
              s.SegmentedPropertyTypeCodeSequence[0].SegmentedPropertyTypeModifierCodeSequence[0].CodeMeaning, '|',
              s.AnatomicRegionSequence[0].AnatomicRegionModifierSequence[0].CodeMeaning)
        """, out.toString());
    assertThat(py).isEqualTo("Liver Segmentation | Liver | 1.2.3 | Right | Entire");
    SegmentDetails back = SegmentationReader.read(out, f.series()).segments().get(0).details();
    assertThat(back).isEqualTo(meta.segments().get(0).details());
  }

  private static Segmentation build(SegFixtures f, String seed) throws Exception {
    return SegmentationBuilder.forSource(f.series()).labels(f.labels(), f.metadata().segments()).uidSeed(seed)
        .contentDateTime(SegmentationRoundTripTest.WHEN).build();
  }

  private static Set<PosixFilePermission> fromUmask(int umask) {
    Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
    int mode = 0666 & ~umask;
    PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int i = 0; i < 9; i++) if ((mode & (1 << i)) != 0) p.add(bits[i]);
    return p;
  }
}
