package org.secaimed.dicom.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.secaimed.dicom.testsupport.TestData.dicom;
import static org.secaimed.dicom.testsupport.TestData.python;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TransferSyntax;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.dicom.geometry.SeriesAssemblyException.Reason;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.ImageVolume;

class SeriesAssemblerTest {

  @Test
  void ctSeriesIsOrderedAlongTheNormalWithHounsfieldUnits() throws Exception {
    AssembledSeries s = SeriesAssembler.fromDirectory(dicom("ct-3slice-dcmqi"));
    // z ascends: 03.dcm (-128.69) is slice 0, as in the dcmqi label maps.
    assertThat(s.frames()).extracting(SourceFrame::source).containsExactly("03.dcm", "02.dcm", "01.dcm");
    assertThat(s.skipped()).anyMatch(x -> x.startsWith("seg_liver_dcmqi.dcm")).anyMatch(x -> x.startsWith("liver_seg.nrrd"));
    ImageGeometry g = s.geometry();
    assertThat(g.columns()).isEqualTo(512);
    assertThat(g.slices()).isEqualTo(3);
    assertThat(g.spacing()[2]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(g.origin()[2]).isCloseTo(-128.69, org.assertj.core.data.Offset.offset(1e-5));
    ImageVolume v = s.volume();
    // pydicom's modality LUT (slope/intercept) on each file, in our slice order, as a checksum and a sample voxel.
    String expected = python("""
        import sys, pydicom, numpy as np
        tot = 0; firsts = []
        for f in sys.argv[1:]:
            d = pydicom.dcmread(f)
            hu = d.pixel_array.astype(np.int64) * int(d.RescaleSlope) + int(d.RescaleIntercept)
            tot += int(hu.sum()); firsts.append(int(hu[100, 200]))
        print(tot, *firsts)
        """, dicom("ct-3slice-dcmqi/03.dcm").toString(), dicom("ct-3slice-dcmqi/02.dcm").toString(), dicom("ct-3slice-dcmqi/01.dcm").toString());
    long sum = 0;
    for (short x : v.voxels()) sum += x;
    String actual = sum + " " + v.at(200, 100, 0) + " " + v.at(200, 100, 1) + " " + v.at(200, 100, 2);
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void rotatedMrAssemblesWithItsOrientation() throws Exception {
    AssembledSeries s = SeriesAssembler.fromDirectory(dicom("mr-pacsman-128"));
    ImageGeometry g = s.geometry();
    assertThat(g.slices()).isEqualTo(128);
    assertThat(g.rowDirection()).containsExactly(0, -1, 0);
    assertThat(g.columnDirection()).containsExactly(1, 0, 0);
    assertThat(g.sliceDirection()).containsExactly(0, 0, 1);
    assertThat(s.sliceThicknessText()).isNull();
    double[] d = new double[127];
    for (int k = 1; k < 128; k++) d[k - 1] = s.distanceOf(k) - s.distanceOf(k - 1);
    assertThat(Arrays.stream(d).allMatch(x -> Math.abs(x - g.spacing()[2]) < 1e-6)).isTrue();
  }

  @Test
  void streamedAttributeListsGiveTheSameVolumeAsFiles() throws Exception {
    AssembledSeries fromFiles = SeriesAssembler.fromDirectory(dicom("ct-24x38x3-dcmqi"));
    List<AttributeList> lists = new ArrayList<>();
    // Reverse order: arrival order must not matter.
    for (String f : List.of("IMG0003.dcm", "IMG0001.dcm", "IMG0002.dcm")) {
      AttributeList l = new AttributeList();
      l.read(dicom("ct-24x38x3-dcmqi/" + f).toFile());
      lists.add(l);
    }
    AssembledSeries streamed = SeriesAssembler.create().addAll(lists.iterator()).assemble();
    AssembledSeries fromBytes = SeriesAssembler.create()
        .addBytes(java.nio.file.Files.readAllBytes(dicom("ct-24x38x3-dcmqi/IMG0002.dcm")), "b2")
        .addBytes(java.nio.file.Files.readAllBytes(dicom("ct-24x38x3-dcmqi/IMG0001.dcm")), "b1")
        .addBytes(java.nio.file.Files.readAllBytes(dicom("ct-24x38x3-dcmqi/IMG0003.dcm")), "b3").assemble();
    assertThat(fromBytes.volume().voxels()).isEqualTo(fromFiles.volume().voxels());
    assertThat(streamed.geometry()).isEqualTo(fromFiles.geometry());
    assertThat(streamed.volume().voxels()).isEqualTo(fromFiles.volume().voxels());
    assertThat(streamed.frames()).extracting(SourceFrame::sopInstanceUid)
        .containsExactlyElementsOf(fromFiles.frames().stream().map(SourceFrame::sopInstanceUid).toList());
  }

  @Test
  void enhancedMultiFrameGivesTheSameVolumeAsSingleFrames(@TempDir Path tmp) throws Exception {
    AssembledSeries single = SeriesAssembler.fromDirectory(dicom("ct-24x38x3-dcmqi"));
    Path enhanced = tmp.resolve("enhanced.dcm");
    EnhancedFixture.writeEnhancedCt(dicom("ct-24x38x3-dcmqi"), enhanced);
    AssembledSeries multi = SeriesAssembler.create().addFile(enhanced).assemble();
    assertThat(multi.geometry()).isEqualTo(single.geometry());
    assertThat(multi.volume().voxels()).isEqualTo(single.volume().voxels());
    assertThat(multi.frames()).extracting(SourceFrame::frameNumber).containsExactly(1, 2, 3);
    assertThat(multi.frames()).extracting(SourceFrame::sopClassUid).containsOnly("1.2.840.10008.5.1.4.1.1.2.1");
  }

  @Test
  void rleAndBigEndianDecodeToTheSamePixels() throws Exception {
    ImageVolume plain = one("MR_small.dcm");
    assertThat(one("MR_small_RLE.dcm").voxels()).isEqualTo(plain.voxels());
    assertThat(one("MR_small_bigendian.dcm").voxels()).isEqualTo(plain.voxels());
    assertThat(one("MR_small_implicit.dcm").voxels()).isEqualTo(plain.voxels());
  }

  private static ImageVolume one(String name) throws Exception {
    return SeriesAssembler.create().addFile(dicom("single-pydicom/" + name)).assemble().volume();
  }

  @Test
  void irregularSpacingIsRefusedNamingTheInstance() throws Exception {
    assertThatThrownBy(() -> SeriesAssembler.fromDirectory(dicom("ct-tiny4-pydicom")))
        .isInstanceOfSatisfying(SeriesAssemblyException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.IRREGULAR_SPACING);
          assertThat(e.instance()).isNotNull();
          assertThat(e.getMessage()).contains("gap of");
        });
    AssembledSeries lenient = SeriesAssembler.create().allowIrregularSpacing(true).addDirectory(dicom("ct-tiny4-pydicom")).assemble();
    assertThat(lenient.slices()).isEqualTo(4);
    assertThat(lenient.regular()).isFalse();
    assertThatThrownBy(lenient::geometry).isInstanceOf(SeriesAssemblyException.class);
  }

  @Test
  void missingFrameOfReferenceIsNamed(@TempDir Path tmp) throws Exception {
    copySeries("ct-24x38x3-dcmqi", tmp);
    AttributeList l = new AttributeList();
    l.read(tmp.resolve("IMG0002.dcm").toFile());
    String uid = DicomAttributes.string(l, "SOPInstanceUID");
    l.remove(DicomAttributes.tag("FrameOfReferenceUID"));
    l.removeMetaInformationHeaderAttributes();
    com.pixelmed.dicom.FileMetaInformation.addFileMetaInformation(l, TransferSyntax.ExplicitVRLittleEndian, "TEST");
    l.write(tmp.resolve("IMG0002.dcm").toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
    assertThatThrownBy(() -> SeriesAssembler.fromDirectory(tmp))
        .isInstanceOfSatisfying(SeriesAssemblyException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.MISSING_ATTRIBUTE);
          assertThat(e.attribute()).isEqualTo("FrameOfReferenceUID");
          assertThat(e.instance()).contains(uid);
        });
  }

  @Test
  void twoSeriesMixedAreRefused(@TempDir Path tmp) throws Exception {
    copySeries("ct-24x38x3-dcmqi", tmp);
    Files.copy(dicom("ct-3slice-dcmqi/01.dcm"), tmp.resolve("ZZZ.dcm"));
    assertThatThrownBy(() -> SeriesAssembler.fromDirectory(tmp))
        .isInstanceOfSatisfying(SeriesAssemblyException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.MIXED_SERIES);
          assertThat(e.getMessage()).contains("1.2.392.200103.20080913.113635.1.2009.6.22.21.43.10.23430.1 (CT, 1 instance")
              .contains("1.2.826.0.1.3680043.2.1125.1.9881642883347102869241902700569139 (CT, 3 instances");
        });
  }

  @Test
  void truncatedFileIsUnreadable(@TempDir Path tmp) throws Exception {
    byte[] full = Files.readAllBytes(dicom("ct-3slice-dcmqi/01.dcm"));
    Files.write(tmp.resolve("cut.dcm"), Arrays.copyOf(full, full.length / 2));
    assertThatThrownBy(() -> SeriesAssembler.fromDirectory(tmp))
        .isInstanceOfSatisfying(SeriesAssemblyException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.UNREADABLE);
          assertThat(e.instance()).contains("cut.dcm");
        });
  }

  @Test
  void emptyDirectoryIsEmpty(@TempDir Path tmp) {
    assertThatThrownBy(() -> SeriesAssembler.fromDirectory(tmp))
        .isInstanceOfSatisfying(SeriesAssemblyException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EMPTY));
  }

  static void copySeries(String folder, Path to) throws Exception {
    try (Stream<Path> s = Files.list(dicom(folder))) {
      for (Path p : s.filter(p -> p.toString().endsWith(".dcm") && !p.getFileName().toString().startsWith("seg")).toList()) {
        Files.copy(p, to.resolve(p.getFileName()));
      }
    }
  }
}
