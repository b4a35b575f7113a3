package org.secaimed.dicom.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.List;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.seal.SealedArchive;
import org.secaimed.dicom.exchange.ResultPayload;
import org.secaimed.dicom.exchange.ResultPayloads;
import org.secaimed.dicom.exchange.ResultSource;
import org.secaimed.dicom.exchange.StreamedSegmentation;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.geometry.SyntheticSeries;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.seg.Segmentation;
import org.secaimed.dicom.seg.SegmentationBuilder;
import org.secaimed.dicom.seg.SegmentationType;
import org.secaimed.dicom.volume.LabelSlices;

/**
 * The operator's open + SEG write-back for {@link OperatorResultMemoryTest}, run in a child JVM with
 * a small heap: decrypt the sealed result with the site key, check it, build the BINARY SEG against
 * the source series and store it in a folder. {@code streamed} is the pipeline's path; {@code whole}
 * the whole-volume path the pipeline took before (ResultPayloads.read, then the label array).
 * Prints "stored FRAMES" or "out of memory" (exit 3).
 * Arguments: sealed result, site key IKM (hex), binding, columns, rows, slices, mode, SEG folder.
 */
public final class OperatorResultPath {
  private OperatorResultPath() {}

  public static void main(String[] args) throws Exception {
    Path sealed = Path.of(args[0]);
    KemKeyPair site = KemKeyPair.derive(HpkeSuite.DEFAULT, HexFormat.of().parseHex(args[1]));
    byte[] binding = args[2].getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int columns = Integer.parseInt(args[3]), rows = Integer.parseInt(args[4]), slices = Integer.parseInt(args[5]);
    String mode = args[6];
    Path out = Path.of(args[7]);
    ResultSource source = () -> SealedArchive.newOpeningStream(Files.newInputStream(sealed), site, binding);
    try {
      AssembledSeries series = SeriesAssembler.create().withPixels(false).addAll(SyntheticSeries.ctSlices(columns, rows, slices, 1.0)).assemble();
      LabelSlices labels;
      List<SegmentDescription> segments;
      if (mode.equals("streamed")) {
        StreamedSegmentation result = ResultPayloads.readStreamed(source);
        labels = result.labels();
        segments = result.segments();
      } else {
        ResultPayload.Segmentation result;
        try (var in = source.open()) {
          result = (ResultPayload.Segmentation) ResultPayloads.read(in);
        }
        labels = result.labels();
        segments = result.segments();
      }
      Segmentation seg = SegmentationBuilder.forSource(series).type(SegmentationType.BINARY).labels(labels, segments)
          .algorithm("ct-body-lungs-bone", "1.0.0").uidSeed("secaimed|task|" + series.context().seriesInstanceUid())
          .contentDateTime(LocalDateTime.of(2026, 12, 7, 4, 0)).build();
      new DirectorySegDestination(out, "seg.dcm").store(seg);
      System.out.println("stored " + seg.frameCount());
    } catch (OutOfMemoryError e) {
      System.out.println("out of memory");
      System.exit(3);
    }
  }
}
