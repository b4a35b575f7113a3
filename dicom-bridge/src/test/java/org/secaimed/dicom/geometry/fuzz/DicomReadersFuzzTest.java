package org.secaimed.dicom.geometry.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.pixelmed.dicom.AttributeList;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.InstanceReader;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.geometry.SeriesAssemblyException;
import org.secaimed.dicom.geometry.SyntheticSeries;
import org.secaimed.dicom.jpegls.JpegLsDecoder;
import org.secaimed.dicom.jpegls.JpegLsException;
import org.secaimed.dicom.seg.SegmentationException;
import org.secaimed.dicom.seg.SegmentationReader;

/**
 * Jazzer targets for the DICOM readers: the series assembler behind the PixelMed wrapper (with and
 * without pixels), the SEG reader and the JPEG-LS decoder on raw streams. Any input is read or refused with the reader's typed
 * exception; anything else (a RuntimeException, a StackOverflowError, an OutOfMemoryError) is a
 * finding. {@code mvn test} replays src/test/resources/.../DicomReadersFuzzTestInputs/;
 * {@code scripts/fuzz} fuzzes each target for its maxDuration.
 */
class DicomReadersFuzzTest {
  private static final AssembledSeries SERIES = series();

  private static AssembledSeries series() {
    try {
      return SeriesAssembler.create().withPixels(false).addAll(SyntheticSeries.ct(4, 4, 3, 1.0).iterator()).assemble();
    } catch (SeriesAssemblyException e) {
      throw new IllegalStateException(e);
    }
  }

  @FuzzTest(maxDuration = "60s")
  void seriesAssembler(byte[] data) {
    for (boolean pixels : new boolean[] {false, true}) {
      try {
        SeriesAssembler.create().withPixels(pixels).addBytes(data, "fuzz.dcm").assemble();
      } catch (SeriesAssemblyException expected) {
        // typed refusal is the contract
      }
    }
  }

  @FuzzTest(maxDuration = "60s")
  void segReader(byte[] data) {
    try {
      InstanceReader.Parsed parsed = InstanceReader.parse(data, "fuzz-seg.dcm", true);
      if (parsed == null) return;
      AttributeList seg = parsed.list();
      SegmentationReader.read(seg, SERIES);
    } catch (SeriesAssemblyException | SegmentationException expected) {
      // typed refusal is the contract
    }
  }

  /** Seeded with a CharLS-encoded 64x64 16-bit MR frame (pydicom's MR_small_jpeg_ls_lossless.dcm). */
  @FuzzTest(maxDuration = "60s")
  void jpegLsStream(byte[] data) {
    try {
      JpegLsDecoder.decode(data, 0, data.length, new JpegLsDecoder.Expected(64, 64, 1, 16), new short[64 * 64], 0);
    } catch (JpegLsException expected) {
      // typed refusal is the contract
    }
  }
}
