package org.secaimed.kaapana.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.secaimed.dicom.geometry.AssembledSeries;
import org.secaimed.dicom.geometry.SeriesAssembler;
import org.secaimed.dicom.geometry.SeriesAssemblyException;
import org.secaimed.dicom.labelmap.LabelMapAlignment;
import org.secaimed.dicom.labelmap.LabelMapException;
import org.secaimed.dicom.labelmap.LabelMapFiles;
import org.secaimed.dicom.metadata.CodeLookup;
import org.secaimed.dicom.metadata.SegmentMetadataException;
import org.secaimed.dicom.metadata.SegmentMetadataFiles;
import org.secaimed.dicom.metadata.SegmentationMetadata;
import org.secaimed.dicom.seg.SegmentDescription;
import org.secaimed.dicom.seg.Segmentation;
import org.secaimed.dicom.seg.SegmentationBuilder;
import org.secaimed.dicom.seg.SegmentationException;
import org.secaimed.dicom.seg.SegmentationOnSeries;
import org.secaimed.dicom.seg.SegmentationReader;
import org.secaimed.dicom.seg.SegmentationType;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.LabelVolume;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code secaimed seg from-labelmap | to-labelmap}: DICOM SEG from a label map on a source series, and back. */
@Command(name = "seg", description = "Build a DICOM SEG from a label map on its source series, or read a SEG back to a label map",
    subcommands = {SegCommand.FromLabelmap.class, SegCommand.ToLabelmap.class})
public final class SegCommand implements Runnable {
  /** PixelMed logs (to java.util.logging) every problem it also throws; the commands report errors themselves. */
  private static final Logger PIXELMED_LOG = Logger.getLogger("com.pixelmed");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: from-labelmap or to-labelmap");
  }

  public static void quietPixelMed() {
    PIXELMED_LOG.setLevel(Level.OFF);
    // PixelMed's logging shim goes to SLF4J when it is on the class path (slf4j-simple here).
    System.setProperty("org.slf4j.simpleLogger.log.com.pixelmed", "error");
  }

  /**
   * A failure as the shared envelope: the library's reason as the code and the option whose input
   * caused it as the field (a series problem is about --series, a label-map problem about --labelmap).
   */
  static int fail(PrintWriter out, PrintWriter err, boolean json, Exception e) {
    ErrorReport r = ErrorReport.of(e);
    String field = e instanceof SeriesAssemblyException ? "--series" : e instanceof LabelMapException ? "--labelmap"
        : e instanceof SegmentMetadataException ? "--metadata" : r.field();
    ErrorReport report = new ErrorReport(r.code(), r.message(), field);
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      if (e instanceof SeriesAssemblyException s) {
        m.put("instance", s.instance());
        m.put("attribute", s.attribute());
      }
      JsonOutput.failed(out, report, m);
    } else {
      err.println("seg: " + report.line());
      err.flush();
    }
    return SecaimedCli.EXIT_FAILED;
  }

  @Command(name = "from-labelmap", description = "Write a DICOM SEG (BINARY, FRACTIONAL or LABELMAP) for a NIfTI/NRRD label map on a source series")
  static final class FromLabelmap implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--series", required = true, paramLabel = "DIR", description = "directory with the source series' DICOM files")
    Path series;
    @Option(names = "--series-uid", paramLabel = "UID", description = "the series to use when DIR holds several (default: the only image series)")
    String seriesUid;
    @Option(names = "--labelmap", required = true, paramLabel = "FILE", description = "label map (.nii, .nii.gz, .nrrd) on the series grid")
    Path labelmap;
    @Option(names = "--metadata", required = true, paramLabel = "FILE.json", description = "segment metadata: dcmqi JSON or Kaapana seg_info.json")
    Path metadata;
    @Option(names = "--out", required = true, paramLabel = "FILE.dcm", description = "SEG file to write (atomically)")
    Path out;
    @Option(names = "--type", defaultValue = "binary", paramLabel = "binary|fractional|labelmap", description = "segmentation type (default binary)")
    String type;
    @Option(names = "--seed", paramLabel = "TEXT", description = "derive UIDs from this seed (e.g. the task id): a retried write gives the same SEG")
    String seed;
    @Option(names = "--content-time", paramLabel = "ISO-8601", description = "content date/time (e.g. the task's completion time, 2026-11-22T03:00:00); with --seed the file is byte-identical on retry")
    java.time.LocalDateTime contentTime;
    @Option(names = "--code-table", paramLabel = "FILE", description = "label name -> code table for Kaapana seg_info.json (Kaapana's code_lookup_table.json)")
    Path codeTable;
    @Option(names = "--algorithm", paramLabel = "NAME", description = "algorithm name when the metadata has none (Kaapana seg_info.json)")
    String algorithm;
    @Option(names = "--task", paramLabel = "NAME", description = "the task in a grouped Kaapana seg_info file (TotalSegmentator's seg_info_lookup.json: total, lung_vessels, ...)")
    String task;
    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
      quietPixelMed();
      PrintWriter stdout = spec.commandLine().getOut(), stderr = spec.commandLine().getErr();
      SegmentationType segType;
      try {
        segType = SegmentationType.parse(type);
      } catch (IllegalArgumentException e) {
        throw Usage.error(spec, "--type", "must be binary, fractional or labelmap, not '" + type + "'");
      }
      try {
        Usage.inputFolder("--series", series);
        Usage.inputFile("--labelmap", labelmap);
        Usage.inputFile("--metadata", metadata);
        if (codeTable != null) Usage.inputFile("--code-table", codeTable);
        Usage.outputFile("--out", out);
        AssembledSeries source = SeriesAssembler.create().withPixels(false).seriesUid(seriesUid).addDirectory(series).assemble();
        ImageGeometry grid = source.geometry();
        LabelVolume labels = LabelMapAlignment.onto(LabelMapFiles.read(labelmap), grid);
        CodeLookup codes = codeTable == null ? null : CodeLookup.load(codeTable);
        SegmentationMetadata md = SegmentMetadataFiles.read(metadata, task, codes, algorithm);
        SegmentationBuilder b = SegmentationBuilder.forSource(source).type(segType).labels(labels, md.segments()).uidSeed(seed)
            .contentDateTime(contentTime).zone(java.time.ZoneId.systemDefault());
        if (md.seriesDescription() != null) b.seriesDescription(md.seriesDescription());
        if (md.seriesNumber() != null) b.seriesNumber(md.seriesNumber());
        if (md.instanceNumber() != null) b.instanceNumber(md.instanceNumber());
        if (md.contentCreatorName() != null) b.contentCreatorName(md.contentCreatorName());
        if (md.contentLabel() != null) b.contentLabel(md.contentLabel());
        if (md.contentDescription() != null) b.contentDescription(md.contentDescription());
        b.clinicalContext(md.clinical());
        Segmentation seg = b.build();
        seg.writeTo(out);
        if (json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("ok", true);
          m.put("out", out.toString());
          m.put("bytes", Files.size(out));
          m.put("type", seg.type().name());
          m.put("sopClassUid", seg.sopClassUid());
          m.put("sopInstanceUid", seg.sopInstanceUid());
          m.put("seriesInstanceUid", seg.seriesInstanceUid());
          m.put("sourceSeriesInstanceUid", source.context().seriesInstanceUid());
          m.put("frames", seg.frameCount());
          List<Map<String, Object>> segs = new ArrayList<>();
          for (Map.Entry<Integer, Integer> e : seg.labelToSegment().entrySet()) {
            SegmentDescription d = seg.segments().stream().filter(s -> s.number() == e.getValue()).findFirst().orElseThrow();
            segs.add(Map.of("labelValue", e.getKey(), "segmentNumber", e.getValue(), "label", d.label(),
                "type", d.type().value() + " " + d.type().scheme() + " " + d.type().meaning()));
          }
          m.put("segments", segs);
          m.put("skipped", source.skipped());
          m.put("notes", source.notes());
          JsonOutput.print(stdout, m);
        } else {
          stdout.printf("wrote %s: %s SEG, %d segment(s), %d frame(s), SOP Instance UID %s%n", out, seg.type(), seg.segments().size(),
              seg.frameCount(), seg.sopInstanceUid());
          for (String note : source.notes()) stdout.println("note: " + note);
          stdout.flush();
        }
        return SecaimedCli.EXIT_OK;
      } catch (Exception e) {
        return fail(stdout, stderr, json, e);
      }
    }
  }

  @Command(name = "to-labelmap", description = "Read a DICOM SEG back to a label map (value = segment number) on its source series")
  static final class ToLabelmap implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--seg", required = true, paramLabel = "FILE.dcm", description = "the SEG (BINARY, FRACTIONAL thresholded at 0.5, or LABELMAP)")
    Path seg;
    @Option(names = "--series", required = true, paramLabel = "DIR", description = "directory with the SEG's source series")
    Path series;
    @Option(names = "--series-uid", paramLabel = "UID", description = "the source series when DIR holds several (default: the series the SEG references)")
    String seriesUid;
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "label map to write: .nii.gz, .nii or .nrrd")
    Path out;
    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
      quietPixelMed();
      PrintWriter stdout = spec.commandLine().getOut(), stderr = spec.commandLine().getErr();
      try {
        Usage.inputFile("--seg", seg);
        Usage.inputFolder("--series", series);
        Usage.outputFile("--out", out);
        LabelMapFiles.formatOf(out);
        String uid = seriesUid != null ? seriesUid : SegmentationReader.referencedSeriesUid(seg);
        AssembledSeries source = SeriesAssembler.create().withPixels(false).seriesUid(uid).addDirectory(series).assemble();
        SegmentationOnSeries decoded = SegmentationReader.read(seg, source);
        LabelVolume labels = decoded.toLabelVolume();
        LabelMapFiles.write(labels, out);
        if (json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("ok", true);
          m.put("out", out.toString());
          m.put("type", decoded.type().name());
          m.put("sopInstanceUid", decoded.sopInstanceUid());
          ImageGeometry g = labels.geometry();
          m.put("size", List.of(g.columns(), g.rows(), g.slices()));
          m.put("spacing", g.spacing());
          m.put("origin", g.origin());
          List<Map<String, Object>> segs = new ArrayList<>();
          for (SegmentDescription d : decoded.segments()) {
            BitSet mask = decoded.mask(d.number());
            segs.add(Map.of("segmentNumber", d.number(), "label", d.label(), "voxels", mask.cardinality()));
          }
          m.put("segments", segs);
          m.put("notes", source.notes());
          JsonOutput.print(stdout, m);
        } else {
          stdout.printf("wrote %s: %d segment(s) from %s SEG %s on a %dx%dx%d grid%n", out, decoded.segments().size(), decoded.type(),
              decoded.sopInstanceUid(), labels.geometry().columns(), labels.geometry().rows(), labels.geometry().slices());
          for (String note : source.notes()) stdout.println("note: " + note);
          stdout.flush();
        }
        return SecaimedCli.EXIT_OK;
      } catch (Exception e) {
        return fail(stdout, stderr, json, e);
      }
    }
  }
}
