package org.secaimed.kaapana.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.secaimed.connector.io.AtomicFiles;
import org.secaimed.dicom.dimse.AeTitle;
import org.secaimed.dicom.dimse.DimseClient;
import org.secaimed.dicom.dimse.DimsePeer;
import org.secaimed.dicom.dimse.InvalidAeTitleException;
import org.secaimed.dicom.dimse.RetrieveResult;
import org.secaimed.dicom.dimse.StoreOutcome;
import org.secaimed.dicom.dimse.StoreResult;
import org.secaimed.dicom.web.DicomWebClient;
import org.secaimed.dicom.web.InstanceStream;
import org.secaimed.dicom.web.Part10Header;
import org.secaimed.dicom.web.QidoQuery;
import org.secaimed.dicom.web.StowOutcome;
import org.secaimed.dicom.web.StowRequest;
import org.secaimed.dicom.web.StowResult;
import org.secaimed.dicom.web.Uids;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code secaimed dicom pull|push}: move DICOM between a folder and a PACS over DICOMweb
 * (QIDO/WADO/STOW) or DIMSE (C-GET/C-STORE). A bearer token for DICOMweb comes from the
 * environment ({@code SECAIMED_DICOMWEB_TOKEN}), never from the command line.
 */
@Command(name = "dicom", mixinStandardHelpOptions = true, versionProvider = SecaimedCli.Version.class, description = "Pull and push DICOM over DICOMweb or DIMSE",
    subcommands = {DicomCommand.Pull.class, DicomCommand.Push.class})
public final class DicomCommand implements Runnable {
  static final String TOKEN_ENV = "SECAIMED_DICOMWEB_TOKEN";

  static {
    // PixelMed logs every PDU at INFO; the command prints its own concise summary.
    System.setProperty("org.slf4j.simpleLogger.log.com.pixelmed", "warn");
    // Orthanc's C-GET responses trip a harmless PixelMed warning on every instance (measured).
    System.setProperty("org.slf4j.simpleLogger.log.com.pixelmed.network.GetSOPClassSCU", "error");
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: pull or push");
  }

  /** Where the PACS is: exactly one of --dicomweb URL or --dimse host:port (with --aet/--aec). */
  static final class Endpoint {
    @Option(names = "--dicomweb", paramLabel = "URL", description = "DICOMweb service root, e.g. http://host:8042/dicom-web or .../aets/KAAPANA/rs; a bearer token is taken from env SECAIMED_DICOMWEB_TOKEN")
    String dicomweb;
    @Option(names = "--dimse", paramLabel = "HOST:PORT", description = "DIMSE peer, e.g. 127.0.0.1:11112")
    String dimse;
    @Option(names = "--aet", paramLabel = "AE", description = "our (calling) AE title for --dimse (default SECAIMED)")
    String aet;
    @Option(names = "--aec", paramLabel = "AE", description = "the peer's (called) AE title for --dimse")
    String aec;

    void validate(CommandLine cmd) {
      if ((dicomweb == null) == (dimse == null)) throw new CommandLine.ParameterException(cmd, "give exactly one of --dicomweb URL or --dimse HOST:PORT");
      if (dicomweb != null && (aet != null || aec != null)) throw new CommandLine.ParameterException(cmd, "--aet/--aec only apply to --dimse");
      if (dimse != null && aec == null) throw new CommandLine.ParameterException(cmd, "--dimse needs --aec (the peer's AE title)");
      if (dimse != null) dimse(cmd); // AE titles and host:port are checked before any work starts
    }

    DicomWebClient web(Map<String, String> env) {
      DicomWebClient.Builder b = DicomWebClient.builder(dicomweb);
      String token = env.get(TOKEN_ENV);
      if (token != null && !token.isBlank()) b.bearerToken(() -> token);
      return b.build();
    }

    DimseClient dimse(CommandLine cmd) {
      try {
        AeTitle calling = AeTitle.of(aet == null ? "SECAIMED" : aet, "--aet (calling AE title)");
        AeTitle called = AeTitle.of(aec, "--aec (called AE title)");
        return new DimseClient(calling, DimsePeer.parse(dimse, called));
      } catch (InvalidAeTitleException e) {
        throw new CommandLine.ParameterException(cmd, e.getMessage());
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cmd, "--dimse: " + e.getMessage());
      }
    }

    String protocol() {
      return dicomweb != null ? "dicomweb" : "dimse";
    }
  }

  /** A progress bar on stderr when a person is watching; nothing otherwise. */
  static final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    Progress(boolean json, String task, long max, String unit) {
      this.bar = !json && System.console() != null
          ? new ProgressBarBuilder().setTaskName(task).setStyle(ProgressBarStyle.ASCII).setInitialMax(max).setUnit(" " + unit, 1).build()
          : null;
    }

    void step() {
      if (bar != null) bar.step();
    }

    void stepBy(long n) {
      if (bar != null) bar.stepBy(n);
    }

    @Override
    public void close() {
      if (bar != null) bar.close();
    }
  }

  @Command(name = "pull", mixinStandardHelpOptions = true, versionProvider = SecaimedCli.Version.class, description = "Download a study or series into a folder (one file per instance, named by SOP Instance UID)")
  static final class Pull implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin Endpoint endpoint = new Endpoint();
    @Option(names = "--study", required = true, paramLabel = "UID", description = "Study Instance UID") String study;
    @Option(names = "--series", paramLabel = "UID", description = "Series Instance UID (default: the whole study)") String series;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder for the files (created if missing)") Path out;
    @Option(names = "--json", description = "print one JSON object") boolean json;

    @Override
    public Integer call() throws Exception {
      CommandLine cmd = spec.commandLine();
      endpoint.validate(cmd);
      try {
        Uids.require(study, "--study");
        if (series != null) Uids.require(series, "--series");
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cmd, e.getMessage());
      }
      if (Files.exists(out) && !Files.isDirectory(out)) throw new CliFailure("NOT_A_FOLDER", "--out: " + out + " is a file, not a folder", "--out");
      boolean created = !Files.exists(out);
      Files.createDirectories(out);
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("protocol", endpoint.protocol());
      report.put("study", study);
      if (series != null) report.put("series", series);
      report.put("out", out.toAbsolutePath().toString());
      long started = System.nanoTime();
      try {
        if (endpoint.dicomweb != null) pullWeb(report);
        else pullDimse(cmd, report);
      } catch (IOException | RuntimeException e) {
        // Leave nothing behind that we made: an --out folder created for a pull that failed at once.
        if (created) try (Stream<Path> left = Files.list(out)) {
          if (left.findAny().isEmpty()) Files.deleteIfExists(out);
        }
        throw e;
      }
      report.put("seconds", Math.round((System.nanoTime() - started) / 1e7) / 100.0);
      PrintWriter o = cmd.getOut();
      if (json) JsonOutput.ok(o, report);
      else o.printf("pulled %s instances (%s) into %s over %s%n", report.get("instances"), Units.bytes((long) report.getOrDefault("bytes", 0L)), out, endpoint.protocol());
      return SecaimedCli.EXIT_OK;
    }

    private void pullWeb(Map<String, Object> report) throws IOException {
      DicomWebClient web = endpoint.web(System.getenv());
      long expected = countInstances(web);
      Map<String, Integer> syntaxes = new TreeMap<>();
      int n = 0;
      long bytes = 0;
      try (Progress p = new Progress(json, "pull", expected, "inst");
          InstanceStream s = series == null ? web.retrieveStudy(study) : web.retrieveSeries(study, series)) {
        while (s.next()) {
          String uid = s.sopInstanceUid();
          Path target = out.resolve((uid != null ? uid : String.format("instance-%05d", s.index() + 1)) + ".dcm");
          bytes += writeAtomically(s.body(), target);
          syntaxes.merge(String.valueOf(s.transferSyntaxUid()), 1, Integer::sum);
          n++;
          p.step();
        }
      }
      report.put("instances", n);
      report.put("bytes", bytes);
      report.put("transferSyntaxes", syntaxes);
    }

    /** The expected count for the progress bar; -1 (unknown) when QIDO is not available. */
    private long countInstances(DicomWebClient web) {
      try {
        QidoQuery.Builder q = QidoQuery.instances().inStudy(study);
        if (series != null) q.inSeries(series);
        return web.searchAll(q.build(), 1000).size();
      } catch (IOException | RuntimeException e) {
        return -1;
      }
    }

    private void pullDimse(CommandLine cmd, Map<String, Object> report) throws IOException {
      DimseClient dimse = endpoint.dimse(cmd);
      RetrieveResult r;
      try (Progress p = new Progress(json, "C-GET", -1, "inst")) {
        r = series == null ? dimse.getStudy(study, out) : dimse.getSeries(study, series, out);
        p.stepBy(r.count());
      }
      long bytes = 0;
      for (RetrieveResult.Received rec : r.received()) bytes += Files.size(rec.file());
      report.put("instances", r.count());
      report.put("bytes", bytes);
    }
  }

  @Command(name = "push", mixinStandardHelpOptions = true, versionProvider = SecaimedCli.Version.class, description = "Store every DICOM file under a folder into the PACS (per-instance report)")
  static final class Push implements Callable<Integer> {
    /** Instances per STOW request / association: progress granularity and bounded request size. */
    static final int BATCH = 50;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin Endpoint endpoint = new Endpoint();
    @Parameters(index = "0", paramLabel = "DIR", description = "folder searched recursively for DICOM Part-10 files") Path dir;
    @Option(names = "--json", description = "print one JSON object") boolean json;

    @Override
    public Integer call() throws Exception {
      CommandLine cmd = spec.commandLine();
      endpoint.validate(cmd);
      Usage.inputFolder("DIR", dir);
      List<Path> files = new ArrayList<>();
      List<String> skipped = new ArrayList<>();
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
          if (Part10Header.read(f).isPresent()) files.add(f);
          else skipped.add(dir.relativize(f).toString());
        }
      }
      if (files.isEmpty()) throw new CliFailure("EMPTY", "no DICOM Part-10 files under " + dir + (skipped.isEmpty() ? "" : " (" + skipped.size() + " other files skipped)"), "DIR");

      List<Map<String, Object>> notStored = new ArrayList<>();
      long stored = 0;
      try (Progress p = new Progress(json, "push", files.size(), "inst")) {
        if (endpoint.dicomweb != null) {
          DicomWebClient web = endpoint.web(System.getenv());
          for (int i = 0; i < files.size(); i += BATCH) {
            StowRequest.Builder b = StowRequest.builder().onPartSent(x -> p.step());
            for (Path f : files.subList(i, Math.min(files.size(), i + BATCH))) b.addFile(f);
            StowResult r = web.store(b.build());
            stored += r.storedCount();
            for (StowOutcome o : r.notStored()) notStored.add(stowFailure(o, r.httpStatus()));
          }
        } else {
          DimseClient dimse = endpoint.dimse(cmd);
          for (int i = 0; i < files.size(); i += BATCH) {
            List<Path> batch = files.subList(i, Math.min(files.size(), i + BATCH));
            StoreResult r = dimse.store(batch);
            stored += r.storedCount();
            for (StoreOutcome o : r.outcomes()) {
              if (!o.stored()) notStored.add(Map.of("file", String.valueOf(o.source()), "sopInstanceUid", String.valueOf(o.sopInstanceUid()), "status", "FAILED"));
            }
            if (r.outcomes().size() < batch.size())
              notStored.add(Map.of("status", "NOT_REPORTED", "count", batch.size() - r.outcomes().size()));
            p.stepBy(batch.size());
          }
        }
      }
      boolean ok = notStored.isEmpty() && stored == files.size();
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("protocol", endpoint.protocol());
      report.put("sent", files.size());
      report.put("stored", stored);
      report.put("notStored", notStored);
      report.put("skippedNonDicom", skipped);
      PrintWriter o = cmd.getOut();
      if (json) {
        if (ok) JsonOutput.ok(o, report);
        else JsonOutput.failed(o, new ErrorReport("NOT_STORED", (files.size() - stored) + " of " + files.size() + " instances were not stored", null), report);
      } else {
        o.printf("stored %d of %d instances over %s%s%n", stored, files.size(), endpoint.protocol(),
            skipped.isEmpty() ? "" : " (" + skipped.size() + " non-DICOM files skipped)");
        for (Map<String, Object> f : notStored) o.println("  not stored: " + f);
      }
      return ok ? SecaimedCli.EXIT_OK : SecaimedCli.EXIT_FAILED;
    }

    private static Map<String, Object> stowFailure(StowOutcome o, int httpStatus) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", o.label());
      m.put("sopInstanceUid", o.sopInstanceUid());
      m.put("status", o.status().name());
      if (o.failureReason() != null) m.put("failureReason", String.format("0x%04X", o.failureReason()));
      m.put("httpStatus", httpStatus);
      return m;
    }
  }

  /** Copies one instance to {@code target} through a temporary file, so a broken transfer leaves no partial file. */
  static long writeAtomically(InputStream in, Path target) throws IOException {
    long[] n = new long[1];
    AtomicFiles.write(target, AtomicFiles.Access.PRIVATE, out -> n[0] = in.transferTo(out));
    return n[0];
  }

  /** Sizes for people, in binary units ({@link Units#bytes}); kept for the bench commands. */
  public static String human(long bytes) {
    return Units.bytes(bytes);
  }
}
