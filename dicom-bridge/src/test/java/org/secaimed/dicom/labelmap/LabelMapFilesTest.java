package org.secaimed.dicom.labelmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.secaimed.dicom.testsupport.TestData.dicom;
import static org.secaimed.dicom.testsupport.TestData.python;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.labelmap.LabelMapException.Reason;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.LabelVolume;

class LabelMapFilesTest {

  private static ImageGeometry grid(String folder) throws Exception {
    return SeriesAssembler.create().withPixels(false).addDirectory(dicom(folder)).assemble().geometry();
  }

  @ParameterizedTest
  @CsvSource({"ct-3slice-dcmqi,liver_seg", "ct-3slice-dcmqi,liver_spine_gapped_seg", "ct-3slice-dcmqi,heart_seg",
      "ct-24x38x3-dcmqi,label", "ct-24x38x3-dcmqi,sparse_labelmap_noppv_seg"})
  void nrrdAndNiftiTwinsLandOnTheSeriesGridIdentically(String folder, String name) throws Exception {
    ImageGeometry g = grid(folder);
    LabelVolume fromNrrd = LabelMapAlignment.onto(LabelMapFiles.read(dicom(folder + "/" + name + ".nrrd")), g);
    LabelVolume fromNifti = LabelMapAlignment.onto(LabelMapFiles.read(dicom(folder + "/" + name + ".nii.gz")), g);
    assertThat(fromNifti.labels()).isEqualTo(fromNrrd.labels());
    LabelMapImage nii = LabelMapFiles.read(dicom(folder + "/" + name + ".nii.gz"));
    LabelMapImage nrrd = LabelMapFiles.read(dicom(folder + "/" + name + ".nrrd"));
    for (int a = 0; a < 3; a++) assertThat(nii.origin()[a]).isCloseTo(nrrd.origin()[a], org.assertj.core.data.Offset.offset(1e-4));
  }

  @Test
  void liverVoxelCountsPerSliceMatchTheProvenanceTable() throws Exception {
    LabelVolume v = LabelMapAlignment.onto(LabelMapFiles.read(dicom("ct-3slice-dcmqi/liver_seg.nii.gz")), grid("ct-3slice-dcmqi"));
    int[] counts = new int[3];
    for (int k = 0; k < 3; k++) for (int p = 0; p < 512 * 512; p++) if (v.labels()[k * 512 * 512 + p] == 1) counts[k]++;
    assertThat(counts).containsExactly(36233, 35645, 35220);
  }

  @ParameterizedTest
  @CsvSource({"out.nii", "out.nii.gz", "out.nrrd"})
  void writtenFilesReadBackOnTheRotatedMrGrid(String name, @TempDir Path tmp) throws Exception {
    ImageGeometry g = grid("mr-pacsman-128");
    byte[] lab = new byte[(int) g.voxelCount()];
    for (int i = 0; i < lab.length; i++) lab[i] = (byte) ((i * 31 + i / 128) % 7 == 0 ? (i % 5) + 1 : 0);
    Path out = tmp.resolve(name);
    LabelMapFiles.write(new LabelVolume(g, lab), out);
    LabelVolume back = LabelMapAlignment.onto(LabelMapFiles.read(out), g);
    assertThat(back.labels()).isEqualTo(lab);
    if (name.startsWith("out.nii")) {
      // nibabel (the reference NIfTI reader) sees the RAS affine ITK would write: x and y negated.
      String affine = python("""
          import sys, nibabel as nib, numpy as np
          img = nib.load(sys.argv[1]); a = img.affine; d = np.asarray(img.dataobj)
          print(' '.join('%.4f' % v for v in a[:3].ravel()), int(d.sum()), d.shape)
          """, out.toString());
      double[] r = g.rowDirection(), c = g.columnDirection(), s = g.sliceDirection(), o = g.origin(), sp = g.spacing();
      long sum = 0;
      for (byte b : lab) sum += b;
      String expected = String.format(Locale.ROOT, "%.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f",
          -r[0] * sp[0] + 0.0, -c[0] * sp[1] + 0.0, -s[0] * sp[2] + 0.0, -o[0] + 0.0,
          -r[1] * sp[0] + 0.0, -c[1] * sp[1] + 0.0, -s[1] * sp[2] + 0.0, -o[1] + 0.0,
          r[2] * sp[0] + 0.0, c[2] * sp[1] + 0.0, s[2] * sp[2] + 0.0, o[2] + 0.0) + " " + sum + " (128, 128, 128)";
      assertThat(affine.replace("-0.0000", "0.0000")).isEqualTo(expected.replace("-0.0000", "0.0000"));
    }
  }

  @Test
  void aLabelMapWithReversedSlicesIsPlacedByGeometryNotByIndex(@TempDir Path tmp) throws Exception {
    ImageGeometry g = grid("ct-24x38x3-dcmqi");
    LabelVolume original = LabelMapAlignment.onto(LabelMapFiles.read(dicom("ct-24x38x3-dcmqi/sparse_labelmap_noppv_seg.nrrd")), g);
    byte[] orig = original.labels().clone();
    orig[5] = 3; // make slice 0 differ from slice 2
    int fs = g.columns() * g.rows();
    byte[] reversed = new byte[orig.length];
    for (int k = 0; k < 3; k++) System.arraycopy(orig, k * fs, reversed, (2 - k) * fs, fs);
    double[] s = g.sliceDirection();
    ImageGeometry flipped = new ImageGeometry(g.columns(), g.rows(), 3, g.spacing(), g.positionOf(0, 0, 2), g.rowDirection(),
        g.columnDirection(), new double[] {-s[0], -s[1], -s[2]});
    Path f = tmp.resolve("flipped.nii.gz");
    LabelMapFiles.write(new LabelVolume(flipped, reversed), f);
    assertThat(LabelMapAlignment.onto(LabelMapFiles.read(f), g).labels()).isEqualTo(orig);
  }

  @Test
  void aLabelMapOfAnotherSeriesIsAGeometryMismatch() throws Exception {
    assertThatThrownBy(() -> LabelMapAlignment.onto(LabelMapFiles.read(dicom("ct-24x38x3-dcmqi/label.nrrd")), grid("ct-3slice-dcmqi")))
        .isInstanceOfSatisfying(LabelMapException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.GEOMETRY_MISMATCH);
          assertThat(e.getMessage()).contains("label.nrrd");
        });
  }

  @Test
  void aShiftedOriginIsAGeometryMismatch(@TempDir Path tmp) throws Exception {
    String header = new String(Files.readAllBytes(dicom("ct-24x38x3-dcmqi/label.nrrd")), StandardCharsets.ISO_8859_1);
    Path shifted = tmp.resolve("shifted.nrrd");
    Files.write(shifted, header.replace("space origin: (46.4649", "space origin: (46.4849").getBytes(StandardCharsets.ISO_8859_1));
    assertThat(Files.readString(shifted, StandardCharsets.ISO_8859_1)).contains("46.4849");
    assertThatThrownBy(() -> LabelMapAlignment.onto(LabelMapFiles.read(shifted), grid("ct-24x38x3-dcmqi")))
        .isInstanceOfSatisfying(LabelMapException.class, e -> assertThat(e.reason()).isEqualTo(Reason.GEOMETRY_MISMATCH));
  }

  @Test
  void valuesThatAreNotLabelsAreRefused(@TempDir Path tmp) throws Exception {
    ByteBuffer data = ByteBuffer.allocate(2 * 8).order(ByteOrder.LITTLE_ENDIAN);
    data.putShort(6, (short) 300);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(("NRRD0004\ntype: short\ndimension: 3\nspace: left-posterior-superior\nsizes: 2 2 2\n"
        + "space directions: (1,0,0) (0,1,0) (0,0,1)\nendian: little\nencoding: raw\nspace origin: (0,0,0)\n\n").getBytes(StandardCharsets.US_ASCII));
    b.write(data.array());
    Path f = tmp.resolve("bad.nrrd");
    Files.write(f, b.toByteArray());
    assertThatThrownBy(() -> LabelMapFiles.read(f))
        .isInstanceOfSatisfying(LabelMapException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.VALUE_OUT_OF_RANGE);
          assertThat(e.getMessage()).contains("300");
        });
  }

  @Test
  void truncatedAndForeignFilesAreRefused(@TempDir Path tmp) throws Exception {
    byte[] gz = Files.readAllBytes(dicom("ct-3slice-dcmqi/liver_seg.nii.gz"));
    Path cut = tmp.resolve("cut.nii.gz");
    Files.write(cut, Arrays.copyOf(gz, gz.length / 2));
    assertThatThrownBy(() -> LabelMapFiles.read(cut))
        .isInstanceOfSatisfying(LabelMapException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNREADABLE));
    Path notNifti = tmp.resolve("x.nii");
    ByteArrayOutputStream zeros = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(zeros)) { z.write(new byte[400]); }
    Files.write(notNifti, new byte[400]);
    assertThatThrownBy(() -> LabelMapFiles.read(notNifti))
        .isInstanceOfSatisfying(LabelMapException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNREADABLE));
    assertThatThrownBy(() -> LabelMapFiles.read(tmp.resolve("x.mha")))
        .isInstanceOfSatisfying(LabelMapException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED));
  }

  @Test
  void seriesGeometryIsReportedAsAssembled() throws Exception {
    AssembledSeries s = SeriesAssembler.create().withPixels(false).addDirectory(dicom("ct-24x38x3-dcmqi")).assemble();
    assertThat(s.geometry().origin()[2]).isCloseTo(-177.75, org.assertj.core.data.Offset.offset(1e-4));
  }

  /** Issue 13: the write goes through the one atomic-write helper; a failure leaves no file and no temporary file. */
  @ParameterizedTest
  @CsvSource({"back.nrrd", "back.nii", "back.nii.gz"})
  void aFailedWriteLeavesNothingBehind(String name, @TempDir Path tmp) throws Exception {
    LabelVolume v = LabelMapAlignment.onto(LabelMapFiles.read(dicom("ct-24x38x3-dcmqi/label.nrrd")), grid("ct-24x38x3-dcmqi"));
    Path blocked = Files.createDirectories(tmp.resolve(name).resolve("occupied")).getParent(); // a folder holds the name
    assertThatThrownBy(() -> LabelMapFiles.write(v, blocked)).isInstanceOf(LabelMapException.class)
        .satisfies(e -> assertThat(((LabelMapException) e).reason()).isEqualTo(Reason.WRITE_FAILED));
    try (java.util.stream.Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly(name);
    }
    assertThat(blocked).isDirectory();
  }
}
