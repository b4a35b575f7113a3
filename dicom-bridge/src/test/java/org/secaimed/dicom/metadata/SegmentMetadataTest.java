package org.secaimed.dicom.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.secaimed.dicom.testsupport.TestData.dicom;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.dicom.metadata.SegmentMetadataException.Reason;
import org.secaimed.dicom.seg.CodedConcept;
import org.secaimed.dicom.seg.SegmentDescription;

class SegmentMetadataTest {

  @Test
  void dcmqiExampleGivesTheLiverSegment() throws Exception {
    SegmentationMetadata m = DcmqiMetadata.read(dicom("dcmqi-metadata/examples/seg-example.json"));
    assertThat(m.segments()).hasSize(1);
    SegmentDescription d = m.segments().get(0);
    assertThat(d.number()).isEqualTo(1);
    assertThat(d.label()).isEqualTo("Liver");
    assertThat(d.category()).isEqualTo(CodedConcept.sct("85756007", "Tissue"));
    assertThat(d.type()).isEqualTo(CodedConcept.sct("10200004", "Liver"));
    assertThat(d.algorithmType()).isEqualTo(SegmentDescription.AlgorithmType.SEMIAUTOMATIC);
    assertThat(d.algorithmName()).isEqualTo("SlicerEditor");
    assertThat(d.recommendedDisplayRgb()).containsExactly(221, 130, 101);
    assertThat(m.seriesNumber()).isEqualTo(300);
    assertThat(m.contentCreatorName()).isEqualTo("Doe^John");
  }

  @Test
  void dcmqiMultipleFilesAreFlattenedByLabelId() throws Exception {
    SegmentationMetadata m = DcmqiMetadata.read(dicom("dcmqi-metadata/examples/seg-example_multiple_segments.json"));
    assertThat(m.segments()).extracting(SegmentDescription::number).containsExactly(1, 2, 3);
    assertThat(m.segments().get(2).type().value()).isEqualTo("80891009");
    SegmentationMetadata gapped = DcmqiMetadata.read(dicom("dcmqi-metadata/examples/seg-example_liver_spine_gapped.json"));
    assertThat(gapped.segments()).extracting(SegmentDescription::number).containsExactly(1, 5);
  }

  @Test
  void duplicateLabelIdsAndMissingCodesAreRefused() {
    assertThatThrownBy(() -> DcmqiMetadata.parse("""
        {"segmentAttributes":[[{"labelID":1,"SegmentedPropertyCategoryCodeSequence":{"CodeValue":"85756007","CodingSchemeDesignator":"SCT","CodeMeaning":"Tissue"},
          "SegmentedPropertyTypeCodeSequence":{"CodeValue":"10200004","CodingSchemeDesignator":"SCT","CodeMeaning":"Liver"}}],
          [{"labelID":1,"SegmentedPropertyCategoryCodeSequence":{"CodeValue":"85756007","CodingSchemeDesignator":"SCT","CodeMeaning":"Tissue"},
          "SegmentedPropertyTypeCodeSequence":{"CodeValue":"10200004","CodingSchemeDesignator":"SCT","CodeMeaning":"Liver"}}]]}"""))
        .isInstanceOfSatisfying(SegmentMetadataException.class, e -> assertThat(e.getMessage()).contains("labelID 1 is used twice"));
    assertThatThrownBy(() -> DcmqiMetadata.parse("{\"segmentAttributes\":[[{\"labelID\":1}]]}"))
        .isInstanceOfSatisfying(SegmentMetadataException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.INVALID);
          assertThat(e.getMessage()).contains("SegmentedPropertyCategoryCodeSequence");
        });
    assertThatThrownBy(() -> DcmqiMetadata.parse("not json"))
        .isInstanceOfSatisfying(SegmentMetadataException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
  }

  @Test
  void kaapanaNamesResolveStrictlyThroughTheCodeTable(@TempDir Path tmp) throws Exception {
    CodeLookup codes = CodeLookup.load(dicom("kaapana-seg-info/code_lookup_table.json"));
    assertThat(codes.resolve("liver")).contains(new CodedConcept("10200004", "SCT", "Liver"));
    assertThat(codes.resolve("kidney_right").map(CodedConcept::meaning)).contains("Kidney");
    assertThat(codes.resolve("right@kidney").map(CodedConcept::meaning)).contains("Kidney");
    assertThat(codes.resolve("lung_vessels")).isEmpty(); // Kaapana's substring match would say "Lung"
    Path info = tmp.resolve("seg_info.json");
    Files.writeString(info, """
        {"algorithm":"TotalSegmentator 2.0","seg_info":[{"label_name":"background","label_int":0},
         {"label_name":"liver","label_int":"5"},{"label_name":"kidney_right","label_int":2}]}""");
    SegmentationMetadata m = SegmentMetadataFiles.read(info, codes, null);
    assertThat(m.segments()).extracting(SegmentDescription::number).containsExactly(5, 2);
    assertThat(m.segments().get(0).category().value()).isEqualTo("123037004");
    assertThat(m.segments().get(0).algorithmName()).isEqualTo("TotalSegmentator 2.0");
    assertThat(m.segments().get(1).label()).isEqualTo("kidney_right");
  }

  @Test
  void kaapanaTemplatesAndUnknownNamesFailClearly() throws Exception {
    CodeLookup codes = CodeLookup.load(dicom("kaapana-seg-info/code_lookup_table.json"));
    assertThatThrownBy(() -> SegmentMetadataFiles.read(dicom("kaapana-seg-info/seg_info.json"), codes, "model"))
        .isInstanceOfSatisfying(SegmentMetadataException.class, e -> assertThat(e.getMessage()).contains("placeholder"));
    assertThatThrownBy(() -> KaapanaSegInfo.read(dicom("kaapana-seg-info/total_segmentator_seg_info_lookup.json"), "total", codes, "TotalSegmentator"))
        .isInstanceOfSatisfying(SegmentMetadataException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.UNRESOLVED_CODE);
          assertThat(e.getMessage()).contains("vertebrae_L5", "lung_upper_lobe_left").doesNotContain("'liver'");
        });
    SegmentationMetadata body = KaapanaSegInfo.read(dicom("kaapana-seg-info/total_segmentator_seg_info_lookup.json"), "body",
        CodeLookup.of(java.util.Map.of("body trunc", CodedConcept.sct("22943007", "Trunk"), "body extremities",
            CodedConcept.sct("66019005", "Limb"), "skin", CodedConcept.sct("39937001", "Skin"), "body", CodedConcept.sct("38266002", "Entire body"))),
        "TotalSegmentator");
    assertThat(body.segments()).isNotEmpty();
    assertThatThrownBy(() -> SegmentMetadataFiles.read(dicom("kaapana-seg-info/seg_info.json"), null, "model"))
        .isInstanceOfSatisfying(SegmentMetadataException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNRESOLVED_CODE));
  }
}
