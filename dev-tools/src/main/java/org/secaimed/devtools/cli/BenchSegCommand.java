package org.secaimed.devtools.cli;

import org.secaimed.kaapana.cli.SegCommand;
import org.secaimed.kaapana.cli.JsonOutput;
import org.secaimed.kaapana.cli.SecaimedCli;
import com.pixelmed.convert.IndexedLabelMapToSegmentation;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.DicomAttributes;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.geometry.SyntheticSeries;
import org.secaimed.dicom.seg.CodedConcept;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.seg.Segmentation;
import org.secaimed.dicom.seg.SegmentationBuilder;
import org.secaimed.dicom.seg.SegmentationReader;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.LabelVolume;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * SEG build+write time for a generated label map next to PixelMed's IndexedLabelMapToSegmentation
 * on the same voxels, both measured in this run. PixelMed's converter reads its input from a
 * multi-frame DICOM file, so its figure includes that read; the time for the read alone is printed
 * too, and the ratio is given both ways.
 */
@Command(name = "seg", description = "SEG build+write time next to PixelMed IndexedLabelMapToSegmentation on the same label map")
public final class BenchSegCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--size", defaultValue = "512x512x300", description = "columns x rows x slices (default 512x512x300)")
  String size;
  @Option(names = "--segments", defaultValue = "10", description = "number of segments (default 10)")
  int segments;
  @Option(names = "--runs", defaultValue = "3", description = "measured runs per side after one warm-up (default 3); the best is reported")
  int runs;
  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Override
  public Integer call() throws Exception {
    SegCommand.quietPixelMed();
    PrintWriter out = spec.commandLine().getOut();
    String[] dims = size.toLowerCase(Locale.ROOT).split("x");
    if (dims.length != 3) throw new CommandLine.ParameterException(spec.commandLine(), "--size must be CxRxS");
    int columns = Integer.parseInt(dims[0]), rows = Integer.parseInt(dims[1]), slices = Integer.parseInt(dims[2]);
    if (segments < 1 || segments > 255 || runs < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--segments 1..255, --runs >= 1");

    AssembledSeries series = SeriesAssembler.create().withPixels(false)
        .addAll(SyntheticSeries.ct(columns, rows, slices, 1.0).iterator()).assemble();
    ImageGeometry g = series.geometry();
    byte[] labels = phantom(columns, rows, slices, segments);
    LabelVolume volume = new LabelVolume(g, labels);
    List<SegmentDescription> descriptions = new ArrayList<>();
    for (int s = 1; s <= segments; s++) {
      descriptions.add(new SegmentDescription(s, "Structure " + s, CodedConcept.sct("85756007", "Tissue"),
          CodedConcept.sct("10200004", "Liver"), null, SegmentDescription.AlgorithmType.AUTOMATIC, "bench", null));
    }

    Path dir = Files.createTempDirectory("secaimed-bench-seg");
    try {
      Path ours = dir.resolve("ours.dcm");
      Path pmInput = dir.resolve("labelmap.dcm"), pmCsv = dir.resolve("labels.csv"), pmRef = dir.resolve("ref.dcm"), pmOut = dir.resolve("pixelmed.dcm");
      writePixelMedInputs(series, labels, segments, pmInput, pmCsv, pmRef);

      long[] oursBuild = new long[runs], oursWrite = new long[runs], pm = new long[runs], pmRead = new long[runs];
      int frames = 0;
      for (int r = -1; r < runs; r++) {
        long t0 = System.nanoTime();
        Segmentation seg = SegmentationBuilder.forSource(series).labels(volume, descriptions).uidSeed("bench").build();
        long t1 = System.nanoTime();
        seg.writeTo(ours);
        long t2 = System.nanoTime();
        frames = seg.frameCount();
        seg = null;
        long t3 = System.nanoTime();
        new AttributeList().read(pmInput.toFile());
        long t4 = System.nanoTime();
        // The converter prints its label table to System.out/err: silence it, which only helps the baseline.
        java.io.PrintStream stdout = System.out, stderr = System.err;
        try (java.io.PrintStream devNull = new java.io.PrintStream(java.io.OutputStream.nullOutputStream())) {
          System.setOut(devNull);
          System.setErr(devNull);
          new IndexedLabelMapToSegmentation(pmInput.toString(), pmCsv.toString(), pmOut.toString(), pmRef.toString(),
              "301", "PixelMed baseline", "PIXELMED", "baseline", "Bench^Mark");
        } finally {
          System.setOut(stdout);
          System.setErr(stderr);
        }
        long t5 = System.nanoTime();
        if (r >= 0) {
          oursBuild[r] = t1 - t0;
          oursWrite[r] = t2 - t1;
          pmRead[r] = t4 - t3;
          pm[r] = t5 - t4;
        }
      }
      // Both outputs must hold the same voxels, or the comparison means nothing.
      boolean sameVoxels = Arrays.equals(SegmentationReader.read(ours, series).labels(), labels);
      long ourBest = best(sum(oursBuild, oursWrite)), pmBest = best(pm), readBest = best(pmRead);
      double ratio = (double) pmBest / ourBest, ratioExRead = (double) (pmBest - readBest) / ourBest;
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ok", sameVoxels);
      m.put("size", List.of(columns, rows, slices));
      m.put("segments", segments);
      m.put("frames", frames);
      m.put("runs", runs);
      m.put("oursBuildMs", ms(best(oursBuild)));
      m.put("oursWriteMs", ms(best(oursWrite)));
      m.put("oursTotalMs", ms(ourBest));
      m.put("oursBytes", Files.size(ours));
      m.put("pixelmedMs", ms(pmBest));
      m.put("pixelmedInputReadMs", ms(readBest));
      m.put("pixelmedBytes", Files.size(pmOut));
      m.put("speedup", round(ratio));
      m.put("speedupExcludingPixelmedInputRead", round(ratioExRead));
      m.put("goal", 3.0);
      m.put("oursVoxelExact", sameVoxels);
      if (json) {
        JsonOutput.print(out, m);
      } else {
        out.printf(Locale.ROOT, "label map %dx%dx%d, %d segments -> %d frames (BINARY); best of %d runs after a warm-up%n",
            columns, rows, slices, segments, frames, runs);
        out.printf(Locale.ROOT, "  secaimed SegmentationBuilder   %8.0f ms  (build %.0f + write %.0f), %d bytes, read-back voxel-exact: %s%n",
            ms(ourBest), ms(best(oursBuild)), ms(best(oursWrite)), Files.size(ours), sameVoxels);
        out.printf(Locale.ROOT, "  PixelMed IndexedLabelMap...    %8.0f ms  (of which reading its input file %.0f ms), %d bytes%n",
            ms(pmBest), ms(readBest), Files.size(pmOut));
        out.printf(Locale.ROOT, "  speed-up %.1fx (%.1fx excluding PixelMed's input read); goal >= 3x: %s%n",
            ratio, ratioExRead, ratioExRead >= 3 ? "met" : "NOT met");
        out.flush();
      }
      return sameVoxels ? SecaimedCli.EXIT_OK : SecaimedCli.EXIT_FAILED;
    } finally {
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.toList()) Files.deleteIfExists(p);
      }
      Files.deleteIfExists(dir);
    }
  }

  /** Spheres of varied size spread through the volume, so every segment spans many slices. */
  static byte[] phantom(int columns, int rows, int slices, int segments) {
    byte[] lab = new byte[columns * rows * slices];
    for (int s = 0; s < segments; s++) {
      double cx = columns * (0.2 + 0.6 * ((s * 37) % 10) / 9.0), cy = rows * (0.2 + 0.6 * ((s * 53) % 10) / 9.0);
      double cz = slices * (0.15 + 0.7 * s / Math.max(1, segments - 1));
      double r = Math.min(columns, rows) * (0.06 + 0.02 * (s % 4));
      double rz = slices * 0.15;
      for (int k = 0; k < slices; k++) {
        double dz = (k - cz) / rz;
        if (dz * dz >= 1) continue;
        double rk = r * Math.sqrt(1 - dz * dz);
        int j0 = Math.max(0, (int) (cy - rk)), j1 = Math.min(rows - 1, (int) (cy + rk));
        for (int j = j0; j <= j1; j++) {
          double dy = j - cy;
          double half = Math.sqrt(Math.max(0, rk * rk - dy * dy));
          int i0 = Math.max(0, (int) (cx - half)), i1 = Math.min(columns - 1, (int) (cx + half));
          int base = columns * (j + rows * k);
          Arrays.fill(lab, base + i0, base + i1 + 1, (byte) (s + 1));
        }
      }
    }
    return lab;
  }

  /** PixelMed's converter wants a multi-frame DICOM label map with frame geometry, a CSV of labels and a reference image file. */
  private static void writePixelMedInputs(AssembledSeries series, byte[] labels, int segments, Path input, Path csv, Path ref) throws Exception {
    List<AttributeList> one = SyntheticSeries.ct(series.columns(), series.rows(), 1, 1.0);
    AttributeList refList = one.get(0);
    FileMetaInformation.addFileMetaInformation(refList, "1.2.840.10008.1.2.1", "BENCH");
    refList.write(ref.toFile(), "1.2.840.10008.1.2.1", true, true);

    AttributeList l = new AttributeList();
    for (String k : List.of("PatientName", "PatientID", "StudyInstanceUID", "FrameOfReferenceUID", "StudyDate", "StudyTime", "StudyID", "AccessionNumber")) {
      Attribute a = refList.get(DicomAttributes.tag(k));
      if (a != null) l.put(a);
    }
    put(l, "SOPClassUID", "1.2.840.10008.5.1.4.1.1.7.2"); // multi-frame grey byte secondary capture
    put(l, "SOPInstanceUID", "2.25.99887766554433221100");
    put(l, "SeriesInstanceUID", "2.25.99887766554433221101");
    put(l, "Modality", "OT");
    putUs(l, "Rows", series.rows());
    putUs(l, "Columns", series.columns());
    put(l, "NumberOfFrames", Integer.toString(series.slices()));
    putUs(l, "SamplesPerPixel", 1);
    put(l, "PhotometricInterpretation", "MONOCHROME2");
    putUs(l, "BitsAllocated", 8);
    putUs(l, "BitsStored", 8);
    putUs(l, "HighBit", 7);
    putUs(l, "PixelRepresentation", 0);
    SequenceAttribute shared = new SequenceAttribute(DicomAttributes.tag("SharedFunctionalGroupsSequence"));
    AttributeList sh = new AttributeList();
    shared.addItem(sh);
    SequenceAttribute pm = new SequenceAttribute(DicomAttributes.tag("PixelMeasuresSequence"));
    AttributeList pmi = new AttributeList();
    put(pmi, "PixelSpacing", series.pixelSpacingText());
    put(pmi, "SliceThickness", "1");
    pm.addItem(pmi);
    sh.put(pm);
    SequenceAttribute po = new SequenceAttribute(DicomAttributes.tag("PlaneOrientationSequence"));
    AttributeList poi = new AttributeList();
    put(poi, "ImageOrientationPatient", series.orientationText());
    po.addItem(poi);
    sh.put(po);
    l.put(shared);
    SequenceAttribute perFrame = new SequenceAttribute(DicomAttributes.tag("PerFrameFunctionalGroupsSequence"));
    for (int k = 0; k < series.slices(); k++) {
      AttributeList f = new AttributeList();
      SequenceAttribute pp = new SequenceAttribute(DicomAttributes.tag("PlanePositionSequence"));
      AttributeList ppi = new AttributeList();
      put(ppi, "ImagePositionPatient", series.frames().get(k).positionText());
      pp.addItem(ppi);
      f.put(pp);
      perFrame.addItem(f);
    }
    l.put(perFrame);
    OtherByteAttribute px = new OtherByteAttribute(DicomAttributes.tag("PixelData"));
    px.setValues(labels);
    l.put(px);
    FileMetaInformation.addFileMetaInformation(l, "1.2.840.10008.1.2.1", "BENCH");
    l.write(input.toFile(), "1.2.840.10008.1.2.1", true, true);

    StringBuilder b = new StringBuilder("Original Description,Meaning,Side,Index Value,UMLS CUID,SNOMED CONCEPTID,SNOMEDID,FMA,Notes,R,G,B,DCM\n");
    b.append("Background,Background,,0,C1706907,,,,,0,0,0,\n");
    // PixelMed's hasCode() ignores the SNOMED column, so the UMLS column carries a code (see the reference notes).
    for (int s = 1; s <= segments; s++) b.append("Structure ").append(s).append(",Liver,,").append(s).append(",C0023884,10200004,T-62000,,,200,100,50,\n");
    Files.writeString(csv, b.toString());
  }

  private static long[] sum(long[] a, long[] b) {
    long[] s = new long[a.length];
    for (int i = 0; i < a.length; i++) s[i] = a[i] + b[i];
    return s;
  }

  private static long best(long[] v) {
    return Arrays.stream(v).min().orElseThrow();
  }

  private static double ms(long nanos) {
    return Math.round(nanos / 1e5) / 10.0;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static void put(AttributeList l, String keyword, String... values) throws Exception {
    Attribute a = AttributeFactory.newAttribute(DicomAttributes.tag(keyword));
    for (String v : values) a.addValue(v);
    l.put(a);
  }

  private static void putUs(AttributeList l, String keyword, int v) throws Exception {
    Attribute a = AttributeFactory.newAttribute(DicomAttributes.tag(keyword));
    a.addValue(v);
    l.put(a);
  }
}
