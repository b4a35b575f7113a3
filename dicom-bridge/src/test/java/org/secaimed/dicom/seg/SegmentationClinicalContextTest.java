package org.secaimed.dicom.seg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.secaimed.dicom.testsupport.TestData.copyImages;
import static org.secaimed.dicom.testsupport.TestData.dciodvfyErrors;
import static org.secaimed.dicom.testsupport.TestData.dicom;
import static org.secaimed.dicom.testsupport.TestData.python;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.labelmap.LabelMapAlignment;
import org.secaimed.dicom.labelmap.LabelMapFiles;
import org.secaimed.dicom.metadata.DcmqiMetadata;
import org.secaimed.dicom.metadata.SegmentationMetadata;
import org.secaimed.dicom.volume.LabelVolume;

/**
 * Issue 11: clinical-trial fields, Body Part Examined and laterality reach the SEG (PS3.3 A.51.3:
 * Clinical Trial Subject/Study/Series modules, General Series, General Image), from the source
 * series and from dcmqi metadata; pydicom reads them back and dciodvfy reports no error.
 */
class SegmentationClinicalContextTest {

  private static final String READ_BACK = """
      import sys, pydicom
      d = pydicom.dcmread(sys.argv[1])
      for k in sys.argv[2:]:
          print(k + '=' + (repr(str(d[k].value)) if k in d else 'absent'))
      """;
  private static final String[] FIELDS = {"ClinicalTrialSponsorName", "ClinicalTrialProtocolID", "ClinicalTrialProtocolName",
      "ClinicalTrialSiteID", "ClinicalTrialSiteName", "ClinicalTrialSubjectID", "ClinicalTrialTimePointID",
      "ClinicalTrialCoordinatingCenterName", "ClinicalTrialSeriesID", "BodyPartExamined", "Laterality", "ImageLaterality"};

  @Test
  void trialSubjectStudyAndAnatomyComeFromTheSourceAndTheSeriesFieldsFromTheMetadata(@TempDir Path tmp) throws Exception {
    Path series = trialSeries(tmp, "1");
    Path seg = write(series, tmp, DcmqiMetadata.read(dicom("dcmqi-metadata/examples/seg-example.json")));
    String back = python(READ_BACK, args(seg));
    assertThat(back.lines()).containsExactly(
        "ClinicalTrialSponsorName='ACME Oncology'",
        "ClinicalTrialProtocolID='ACME-042'",
        "ClinicalTrialProtocolName=''", // Type 2, absent in the source: present and empty
        "ClinicalTrialSiteID=''",
        "ClinicalTrialSiteName=''",
        "ClinicalTrialSubjectID='SUBJ-0007'",
        "ClinicalTrialTimePointID='1'", // the study's, which the metadata repeats
        "ClinicalTrialCoordinatingCenterName='BWH'", // the metadata's, over the source's
        "ClinicalTrialSeriesID='Session1'", // the metadata's; never the source series' own ID
        "BodyPartExamined='KNEE'",
        "Laterality=absent", // the series attribute becomes the image's (dciodvfy refuses it in a SEG)
        "ImageLaterality='R'");
    assertThat(dciodvfyErrors(seg)).isEmpty();
  }

  @Test
  void aSeriesOutsideATrialGetsOnlyWhatTheMetadataGives(@TempDir Path tmp) throws Exception {
    Path series = tmp.resolve("plain");
    Files.createDirectories(series);
    copyImages("ct-24x38x3-dcmqi", series);
    Path seg = write(series, tmp, DcmqiMetadata.read(dicom("dcmqi-metadata/examples/seg-example.json")));
    assertThat(python(READ_BACK, args(seg)).lines()).containsExactly(
        "ClinicalTrialSponsorName=absent", "ClinicalTrialProtocolID=absent", "ClinicalTrialProtocolName=absent",
        "ClinicalTrialSiteID=absent", "ClinicalTrialSiteName=absent", "ClinicalTrialSubjectID=absent",
        "ClinicalTrialTimePointID='1'", "ClinicalTrialCoordinatingCenterName='BWH'", "ClinicalTrialSeriesID='Session1'",
        "BodyPartExamined=absent", "Laterality=absent", "ImageLaterality=absent");
    assertThat(dciodvfyErrors(seg)).isEmpty();
  }

  @Test
  void aTimePointOtherThanTheStudysIsRefusedNamingTheField(@TempDir Path tmp) throws Exception {
    Path series = trialSeries(tmp, "BASELINE");
    SegmentationMetadata md = DcmqiMetadata.read(dicom("dcmqi-metadata/examples/seg-example.json")); // time point "1"
    assertThatThrownBy(() -> write(series, tmp, md))
        .isInstanceOf(SegmentationException.class)
        .hasMessageContaining("ClinicalTrialTimePointID")
        .hasMessageContaining("'1'")
        .hasMessageContaining("'BASELINE'");
    try (var files = Files.list(tmp)) {
      assertThat(files.filter(p -> p.toString().endsWith(".dcm"))).isEmpty();
    }
  }

  @Test
  void aBodyPartThatIsNotACodeStringIsRefused() {
    ClinicalContext lowerCase = new ClinicalContext("knee", null, null, null);
    assertThatThrownBy(() -> lowerCase.applyTo(new com.pixelmed.dicom.AttributeList(), null))
        .isInstanceOf(SegmentationException.class)
        .hasMessageContaining("BodyPartExamined: 'knee' must be");
  }

  /** ct-24x38x3 as part of a trial (subject and study modules, a coordinating centre), a right knee. */
  private static Path trialSeries(Path tmp, String timePoint) throws Exception {
    Path series = tmp.resolve("trial");
    Files.createDirectories(series);
    copyImages("ct-24x38x3-dcmqi", series);
    try (var files = Files.list(series)) {
      for (Path f : files.toList()) {
        python("""
            import sys, pydicom
            d = pydicom.dcmread(sys.argv[1])
            d.ClinicalTrialSponsorName = 'ACME Oncology'
            d.ClinicalTrialProtocolID = 'ACME-042'
            d.ClinicalTrialSubjectID = 'SUBJ-0007'
            d.ClinicalTrialTimePointID = sys.argv[2]
            d.ClinicalTrialCoordinatingCenterName = 'Source Centre'
            d.ClinicalTrialSeriesID = 'SOURCE-SERIES-7'
            d.BodyPartExamined = 'KNEE'
            d.Laterality = 'R'
            d.save_as(sys.argv[1])
            """, f.toString(), timePoint);
      }
    }
    return series;
  }

  private static Path write(Path series, Path tmp, SegmentationMetadata md) throws Exception {
    AssembledSeries source = SeriesAssembler.create().withPixels(false).addDirectory(series).assemble();
    LabelVolume labels = LabelMapAlignment.onto(LabelMapFiles.read(dicom("ct-24x38x3-dcmqi/label.nrrd")), source.geometry());
    Path seg = tmp.resolve("seg.dcm");
    SegmentationBuilder.forSource(source).labels(labels, md.segments()).clinicalContext(md.clinical()).build().writeTo(seg);
    return seg;
  }

  private static String[] args(Path seg) {
    String[] a = new String[FIELDS.length + 1];
    a[0] = seg.toString();
    System.arraycopy(FIELDS, 0, a, 1, FIELDS.length);
    return a;
  }
}
