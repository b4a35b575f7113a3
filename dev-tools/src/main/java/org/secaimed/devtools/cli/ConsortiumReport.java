package org.secaimed.devtools.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secaimed.devtools.consortium.ConsortiumDemo;
import org.secaimed.kaapana.cli.ErrorReport;
import org.secaimed.kaapana.cli.JsonOutput;
import org.secaimed.kaapana.cli.Usage;
import picocli.CommandLine;

/** {@code secaimed demo --consortium}: runs {@link ConsortiumDemo} and prints its report or one JSON object. */
final class ConsortiumReport {
  private ConsortiumReport() {}

  static int run(CommandLine.Model.CommandSpec spec, Path out, int sites, boolean json) throws Exception {
    Usage.range(spec, "--sites", sites, 2, 16);
    PrintWriter w = spec.commandLine().getOut();
    PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
    if (!json) {
      w.printf("secaimed demo --consortium: %d generated sites pool data for training in the INSECURE dev enclave (in-process)%n", sites);
      w.flush();
    }
    ConsortiumDemo.Result r = new ConsortiumDemo(out, sites, quiet).run();
    boolean allRefused = r.refusals().values().stream().allMatch(Boolean::booleanValue)
        && r.evaluation().segmentationWithModelRefused();
    boolean allVerified = r.training().receiptsVerified() == r.training().contributors()
        && r.sites().stream().allMatch(ConsortiumDemo.SiteReport::receiptVerified);
    Map<String, Object> j = toJson(r);
    if (json) {
      if (allRefused && allVerified) JsonOutput.ok(w, j);
      else JsonOutput.failed(w, new ErrorReport("CONSORTIUM_CHECK_FAILED", "an attack was not refused or a receipt did not verify", null), j);
    } else {
      print(w, r);
    }
    w.flush();
    return allRefused && allVerified ? 0 : 1;
  }

  static Map<String, Object> toJson(ConsortiumDemo.Result r) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("scenario", "consortium");
    List<Map<String, Object>> sites = new ArrayList<>();
    for (ConsortiumDemo.SiteReport s : r.sites()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", s.name());
      m.put("party", s.party());
      m.put("receiptVerified", s.receiptVerified());
      m.put("trainingBlob", s.trainingBlob());
      m.put("policyDigest", s.policyDigest());
      m.put("useNumber", s.useNumber());
      m.put("segmentationTask", s.segmentationTask());
      m.put("dice", s.dice());
      sites.add(m);
    }
    j.put("sites", sites);
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("taskId", r.training().taskId());
    t.put("contributors", r.training().contributors());
    t.put("receiptsVerified", r.training().receiptsVerified());
    t.put("modelId", r.training().modelId());
    t.put("modelPolicyDigest", r.training().modelPolicyDigest());
    t.put("logIndex", r.training().logIndex());
    j.put("training", t);
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("party", r.evaluation().party());
    e.put("taskId", r.evaluation().taskId());
    e.put("metrics", r.evaluation().metrics().stream().map(m -> Map.of("name", m.name(), "segment", m.segment(), "value", m.value())).toList());
    e.put("segmentationWithModelRefused", r.evaluation().segmentationWithModelRefused());
    j.put("evaluation", e);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("folder", r.provenance().folder().toString());
    p.put("report", r.provenance().folder().resolve("report.html").toString());
    p.put("contributors", r.provenance().lineage().contributors().size());
    p.put("uses", r.provenance().lineage().uses().size());
    j.put("provenance", p);
    j.put("refusals", r.refusals());
    j.put("refusalDetails", r.refusalDetails());
    j.put("inputsOpened", r.inputsOpened());
    j.put("enclave", Map.of("insecure", true));
    j.put("totalSeconds", r.totalSeconds());
    return j;
  }

  private static void print(PrintWriter w, ConsortiumDemo.Result r) {
    w.println();
    w.printf("Training  task %s over %d sites' studies, model %s%n", r.training().taskId(), r.training().contributors(), r.training().modelId());
    w.printf("          every contributor verified its own part of the receipt: %d/%d (log index %d)%n",
        r.training().receiptsVerified(), r.training().contributors(), r.training().logIndex());
    for (ConsortiumDemo.SiteReport s : r.sites()) {
      w.printf("Site      %-10s use %d of its policy %s…, segmented with the model: Dice %s%n", s.name(), s.useNumber(),
          s.policyDigest().substring(0, 12), s.dice());
    }
    w.printf("Evaluator %s… got %d metrics; segmenting with the model refused: %s%n", r.evaluation().party().substring(0, 12),
        r.evaluation().metrics().size(), r.evaluation().segmentationWithModelRefused());
    w.println("Attacks   (refused = the enclave refused with the named rule and opened no input)");
    r.refusals().forEach((k, v) -> w.printf("  %-18s %s  %s%n", k, v ? "REFUSED" : "NOT REFUSED", r.refusalDetails().get(k)));
    w.printf("Provenance %s's verified report (%d contributors, %d later uses, SPDX 3.0, HTML): %s%n", r.sites().get(0).name(),
        r.provenance().lineage().contributors().size(), r.provenance().lineage().uses().size(), r.provenance().folder().resolve("report.html"));
    w.printf("INSECURE dev enclave: software keys, no hardware attestation. %.1f s%n", r.totalSeconds());
  }
}
