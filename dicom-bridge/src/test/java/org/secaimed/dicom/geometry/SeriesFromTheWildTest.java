package org.secaimed.dicom.geometry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.secaimed.dicom.testsupport.TestData.convertImages;
import static org.secaimed.dicom.testsupport.TestData.copyImages;
import static org.secaimed.dicom.testsupport.TestData.dicom;
import static org.secaimed.dicom.testsupport.TestData.python;
import static org.secaimed.dicom.testsupport.TestData.tool;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.dicom.geometry.SeriesAssemblyException.Reason;

/**
 * Series as PACS exports and hospital folders hold them (issue 11): compressed transfer syntaxes,
 * several series in one folder, DICOMDIRs and non-image objects, files without a Part 10 header,
 * and hostile files. Compressed copies are made by dcmtk (and OpenJPEG for JPEG 2000) in a temp dir.
 */
class SeriesFromTheWildTest {
  static final String CT24_SERIES = "1.2.826.0.1.3680043.2.1125.1.9881642883347102869241902700569139";

  @Test
  void geometryIsReadFromAnyTransferSyntax(@TempDir Path tmp) throws Exception {
    AssembledSeries plain = SeriesAssembler.create().withPixels(false).addDirectory(dicom("ct-24x38x3-dcmqi")).assemble();
    for (String[] codec : new String[][] {{"dcmcjpls"}, {"dcmcjpeg", "+e1"}, {"dcmcjpeg", "+el"}, {"dcmcjpeg", "+eb"}}) {
      Path dir = tmp.resolve(codec[0] + codec.length);
      convertImages("ct-24x38x3-dcmqi", dir, codec);
      AssembledSeries s = SeriesAssembler.create().withPixels(false).addDirectory(dir).assemble();
      assertThat(s.frames().stream().map(f -> Arrays.toString(f.positionText())).toList())
          .isEqualTo(plain.frames().stream().map(f -> Arrays.toString(f.positionText())).toList());
      assertThat(describe(s.geometry())).isEqualTo(describe(plain.geometry()));
    }
  }

  @Test
  void jpegLosslessAndJpeg2000PixelsDecodeExactly(@TempDir Path tmp) throws Exception {
    short[] plain = SeriesAssembler.fromDirectory(dicom("ct-3slice-dcmqi")).volume().voxels();
    convertImages("ct-3slice-dcmqi", tmp.resolve("sv1"), "dcmcjpeg", "+e1");   // 1.2.840.10008.1.2.4.70
    convertImages("ct-3slice-dcmqi", tmp.resolve("p14"), "dcmcjpeg", "+el");   // 1.2.840.10008.1.2.4.57
    assertThat(SeriesAssembler.fromDirectory(tmp.resolve("sv1")).volume().voxels()).isEqualTo(plain);
    assertThat(SeriesAssembler.fromDirectory(tmp.resolve("p14")).volume().voxels()).isEqualTo(plain);
    Path j2k = tmp.resolve("j2k");
    Files.createDirectories(j2k);
    for (String f : new String[] {"01.dcm", "02.dcm", "03.dcm"}) jpeg2000Lossless(dicom("ct-3slice-dcmqi/" + f), j2k.resolve(f), tmp);
    assertThat(SeriesAssembler.fromDirectory(j2k).volume().voxels()).isEqualTo(plain);
  }

  @Test
  void lossyJpegPixelsAreATypedErrorNamingTheFileButItsGeometryIsRead(@TempDir Path tmp) throws Exception {
    convertImages("ct-24x38x3-dcmqi", tmp, "dcmcjpeg", "+ee"); // 12-bit extended, lossy
    assertThatThrownBy(() -> SeriesAssembler.fromDirectory(tmp))
        .isInstanceOfSatisfying(SeriesAssemblyException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_TRANSFER_SYNTAX);
          assertThat(e.instance()).contains("IMG0001.dcm");
          assertThat(e.getMessage()).contains("1.2.840.10008.1.2.4.51").doesNotContain("Exception");
        });
    assertThat(SeriesAssembler.create().withPixels(false).addDirectory(tmp).assemble().slices()).isEqualTo(3);
  }

  @Test
  void severalSeriesAreListedAndOneIsChosenByUid(@TempDir Path tmp) throws Exception {
    copyImages("ct-24x38x3-dcmqi", tmp);
    Files.copy(dicom("single-pydicom/CT_small.dcm"), tmp.resolve("ct_small.dcm"));
    Files.copy(dicom("single-pydicom/MR_small.dcm"), tmp.resolve("mr_small.dcm"));
    Files.copy(dicom("ct-24x38x3-dcmqi/seg_binary_dcmqi.dcm"), tmp.resolve("seg.dcm"));
    assertThatThrownBy(() -> SeriesAssembler.create().withPixels(false).addDirectory(tmp).assemble())
        .isInstanceOfSatisfying(SeriesAssemblyException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.MIXED_SERIES);
          assertThat(e.getMessage()).contains("3 image series").contains("--series-uid")
              .contains(CT24_SERIES + " (CT, 3 instances")
              .contains("1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322 (CT, 1 instance")
              .contains("1.3.6.1.4.1.5962.1.3.4.1.20040826185059.5457 (MR, 1 instance");
        });
    AssembledSeries chosen = SeriesAssembler.create().withPixels(true).seriesUid(CT24_SERIES).addDirectory(tmp).assemble();
    assertThat(chosen.slices()).isEqualTo(3);
    assertThat(chosen.context().seriesInstanceUid()).isEqualTo(CT24_SERIES);
    assertThatThrownBy(() -> SeriesAssembler.create().seriesUid("1.2.3").addDirectory(tmp).assemble())
        .isInstanceOfSatisfying(SeriesAssemblyException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.EMPTY);
          assertThat(e.getMessage()).contains("no image instances of series 1.2.3").contains(CT24_SERIES);
        });
  }

  @Test
  void dicomdirSecondaryCaptureAndIdenticalCopiesAreSkipped(@TempDir Path tmp) throws Exception {
    copyImages("ct-24x38x3-dcmqi", tmp);
    Files.copy(tmp.resolve("IMG0002.dcm"), tmp.resolve("IMG0002 copy.dcm"));
    python("""
        import sys, pydicom
        d = pydicom.dcmread(sys.argv[1])
        d.SOPClassUID = '1.2.840.10008.5.1.4.1.1.7'; d.file_meta.MediaStorageSOPClassUID = d.SOPClassUID
        d.SOPInstanceUID = '1.2.3.4.5.6.7'; d.file_meta.MediaStorageSOPInstanceUID = d.SOPInstanceUID
        for k in ('FrameOfReferenceUID', 'ImagePositionPatient', 'ImageOrientationPatient'): delattr(d, k)
        d.save_as(sys.argv[2])
        """, tmp.resolve("IMG0001.dcm").toString(), tmp.resolve("zz_secondary_capture.dcm").toString());
    Path dd = tmp.resolve("dicomdir-work");
    Files.createDirectories(dd);
    Files.copy(tmp.resolve("IMG0001.dcm"), dd.resolve("IMG1"));
    tool("dcmmkdir", "-Nxc", "--input-directory", dd.toString(), "--output-file", tmp.resolve("DICOMDIR").toString(), "IMG1");
    AssembledSeries s = SeriesAssembler.create().withPixels(true).addDirectory(tmp).assemble();
    assertThat(s.slices()).isEqualTo(3);
    assertThat(s.skipped()).anyMatch(x -> x.startsWith("DICOMDIR: DICOMDIR"))
        .anyMatch(x -> x.startsWith("IMG0002.dcm: byte-identical copy of IMG0002 copy.dcm"))
        .anyMatch(x -> x.startsWith("zz_secondary_capture.dcm: image without patient geometry"));
  }

  @Test
  void sameUidWithOtherContentIsRefused(@TempDir Path tmp) throws Exception {
    copyImages("ct-24x38x3-dcmqi", tmp);
    python("""
        import sys, pydicom
        d = pydicom.dcmread(sys.argv[1]); d.SeriesDescription = 'changed'; d.save_as(sys.argv[2])
        """, tmp.resolve("IMG0002.dcm").toString(), tmp.resolve("IMG0002b.dcm").toString());
    assertThatThrownBy(() -> SeriesAssembler.fromDirectory(tmp))
        .isInstanceOfSatisfying(SeriesAssemblyException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.DUPLICATE_INSTANCE);
          assertThat(e.instance()).contains("IMG0002b.dcm");
        });
  }

  @Test
  void rawImplicitDatasetsWithoutPart10HeaderAreReadAndSaidSo(@TempDir Path tmp) throws Exception {
    convertImages("ct-24x38x3-dcmqi", tmp, "dcmconv", "-F", "+ti");
    assertThat(Files.readAllBytes(tmp.resolve("IMG0001.dcm"))[0]).isEqualTo((byte) 0x08); // starts with (0008,xxxx): no preamble
    AssembledSeries raw = SeriesAssembler.fromDirectory(tmp);
    AssembledSeries plain = SeriesAssembler.fromDirectory(dicom("ct-24x38x3-dcmqi"));
    assertThat(raw.slices()).isEqualTo(3);
    assertThat(raw.volume().voxels()).isEqualTo(plain.volume().voxels());
    assertThat(raw.notes()).singleElement().asString().contains("3 file(s) without a Part 10 header").contains("IMG0001.dcm");
    assertThat(plain.notes()).isEmpty();
  }

  @Test
  void deeplyNestedSequencesAreATypedError() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] head = part10Head();
    b.writeBytes(head);
    int depth = 20_000;
    for (int i = 0; i < depth; i++) {
      b.writeBytes(explicitUndefinedSq(0x0008, 0x1115)); // ReferencedSeriesSequence, undefined length
      b.writeBytes(le(0xFFFE, 0xE000, 0xFFFFFFFF));       // item, undefined length
    }
    for (int i = 0; i < depth; i++) {
      b.writeBytes(le(0xFFFE, 0xE00D, 0));
      b.writeBytes(le(0xFFFE, 0xE0DD, 0));
    }
    assertThatThrownBy(() -> SeriesAssembler.create().addBytes(b.toByteArray(), "nested.dcm"))
        .isInstanceOfSatisfying(SeriesAssemblyException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.UNREADABLE);
          assertThat(e.instance()).isEqualTo("nested.dcm");
          assertThat(e.getMessage()).contains("nested deeper than 32");
        });
  }

  @Test
  void hugeValueLengthIsATypedErrorWithoutAnAllocation() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(part10Head());
    b.writeBytes(new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0});
    b.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0x7FFFFF00).array());
    b.writeBytes(new byte[100]);
    assertThatThrownBy(() -> SeriesAssembler.create().addBytes(b.toByteArray(), "bomb.dcm"))
        .isInstanceOfSatisfying(SeriesAssemblyException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.UNREADABLE);
          assertThat(e.instance()).isEqualTo("bomb.dcm");
          assertThat(e.getMessage()).contains("(7FE0,0010) value length 2147483392 exceeds the 100 bytes left");
        });
  }

  @Test
  void aMissingSliceIsReportedAtTheHole(@TempDir Path tmp) throws Exception {
    for (int k = 60; k < 70; k++) {
      if (k == 64) continue;
      String f = String.format("slice%03d.dcm", k);
      Files.copy(dicom("mr-pacsman-128/" + f), tmp.resolve(f));
    }
    assertThatThrownBy(() -> SeriesAssembler.create().withPixels(false).addDirectory(tmp).assemble())
        .isInstanceOfSatisfying(SeriesAssemblyException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.IRREGULAR_SPACING);
          assertThat(e.instance()).endsWith("(slice065.dcm)");
          assertThat(e.getMessage()).contains("gap of 2.0000 mm between").contains("(slice063.dcm) and").contains("missing slice?")
              .doesNotContain("slice061.dcm");
        });
  }

  /** A Part 10 header (preamble, DICM, File Meta) declaring Explicit VR Little Endian. */
  private static byte[] part10Head() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[128]);
    b.writeBytes(new byte[] {'D', 'I', 'C', 'M'});
    byte[] ts = "1.2.840.10008.1.2.1\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    b.writeBytes(new byte[] {0x02, 0x00, 0x10, 0x00, 'U', 'I', (byte) ts.length, 0});
    b.writeBytes(ts);
    return b.toByteArray();
  }

  private static byte[] explicitUndefinedSq(int group, int element) {
    return ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putShort((short) group).putShort((short) element)
        .put((byte) 'S').put((byte) 'Q').putShort((short) 0).putInt(0xFFFFFFFF).array();
  }

  private static byte[] le(int group, int element, int length) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putShort((short) group).putShort((short) element).putInt(length).array();
  }

  /** JPEG 2000 lossless copy by OpenJPEG (opj_compress), encapsulated by pydicom: independent of the decoder under test. */
  static void jpeg2000Lossless(Path source, Path target, Path work) throws Exception {
    Path raw = work.resolve(source.getFileName() + ".raw");
    Path j2k = work.resolve(source.getFileName() + ".j2k");
    String dims = python("""
        import sys, pydicom
        d = pydicom.dcmread(sys.argv[1]); a = d.pixel_array
        open(sys.argv[2], 'wb').write(a.astype(a.dtype.newbyteorder('>')).tobytes())
        print('%d,%d,1,%d,%s' % (d.Columns, d.Rows, d.BitsStored, 's' if d.PixelRepresentation else 'u'))
        """, source.toString(), raw.toString());
    tool("opj_compress", "-i", raw.toString(), "-o", j2k.toString(), "-F", dims);
    python("""
        import sys, pydicom
        from pydicom.encaps import encapsulate
        from pydicom.uid import JPEG2000Lossless
        d = pydicom.dcmread(sys.argv[1])
        d.PixelData = encapsulate([open(sys.argv[2], 'rb').read()])
        d['PixelData'].is_undefined_length = True
        d['PixelData'].VR = 'OB'
        d.file_meta.TransferSyntaxUID = JPEG2000Lossless
        d.is_implicit_VR = False; d.is_little_endian = True
        d.save_as(sys.argv[3])
        """, source.toString(), j2k.toString(), target.toString());
  }

  static String describe(org.secaimed.dicom.volume.ImageGeometry g) {
    return g.columns() + "x" + g.rows() + "x" + g.slices() + " " + Arrays.toString(g.spacing()) + " " + Arrays.toString(g.origin())
        + " " + Arrays.toString(g.rowDirection()) + Arrays.toString(g.columnDirection()) + Arrays.toString(g.sliceDirection());
  }
}
