package org.secaimed.devtools.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.secaimed.devtools.provider.ProviderDemo;
import org.secaimed.kaapana.cli.ErrorReport;
import org.secaimed.kaapana.cli.JsonOutput;
import picocli.CommandLine;

/** {@code secaimed demo --provider}: runs {@link ProviderDemo} and prints its report or one JSON object. */
final class ProviderReport {
  private ProviderReport() {}

  static int run(CommandLine.Model.CommandSpec spec, Path out, int size, int slices, boolean json) throws Exception {
    PrintWriter w = spec.commandLine().getOut();
    PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
    if (!json) {
      w.printf("secaimed demo --provider: a provider's ONNX model under a usage licence in the INSECURE dev enclave (in-process),"
          + " CT phantom %dx%dx%d%n", size, size, slices);
      w.flush();
    }
    ProviderDemo.Result r = new ProviderDemo(out, size, slices, quiet).run();
    if (json) {
      Map<String, Object> j = toJson(r);
      if (r.passed()) JsonOutput.ok(w, j);
      else JsonOutput.failed(w, new ErrorReport("PROVIDER_CHECK_FAILED",
          "a run scored Dice below 0.95, a licence rule was not refused, or the usage report did not list exactly the runs", null), j);
    } else {
      print(w, r);
    }
    w.flush();
    return r.passed() ? 0 : 1;
  }

  static Map<String, Object> toJson(ProviderDemo.Result r) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("scenario", "provider");
    j.put("provider", r.provider());
    j.put("licenceDigest", r.licenceDigest());
    j.put("modelDigest", r.modelDigest());
    Map<String, Object> sites = new LinkedHashMap<>();
    sites.put("a", r.siteA());
    sites.put("b", r.siteB());
    j.put("sites", sites);
    List<Map<String, Object>> runs = new ArrayList<>();
    for (ProviderDemo.SiteRun s : r.runs()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("taskId", s.taskId());
      m.put("run", s.run());
      m.put("siteRun", s.siteRun());
      m.put("licenceDigest", s.licenceDigest());
      m.put("modelDigest", s.modelDigest());
      m.put("useLogIndex", s.useLogIndex());
      m.put("receiptLogIndex", s.receiptLogIndex());
      m.put("dice", s.dice());
      m.put("segPath", s.segPath().toString());
      runs.add(m);
    }
    j.put("runs", runs);
    Map<String, Object> refused = new LinkedHashMap<>();
    Map<String, Object> details = new LinkedHashMap<>();
    r.refusals().forEach((k, v) -> {
      refused.put(k, v.refused());
      details.put(k, v.type() == null ? v.detail() : v.type() + ": " + v.detail());
    });
    j.put("refusals", refused);
    j.put("refusalDetails", details);
    Map<String, Object> u = new LinkedHashMap<>();
    u.put("entries", r.usage().entries());
    u.put("verified", r.usage().verified());
    u.put("consistencyChecked", r.usage().consistencyChecked());
    u.put("taskIds", r.usage().taskIds());
    u.put("exactlyTheRuns", r.usage().exactlyTheRuns());
    j.put("usage", u);
    j.put("enclave", Map.of("insecure", true));
    j.put("totalSeconds", r.totalSeconds());
    return j;
  }

  private static void print(PrintWriter w, ProviderDemo.Result r) {
    w.println();
    w.printf("Provider  %s… published phantom-ct-cnn 1.0.0 (%s…) under licence %s…: 2 runs, site A only%n",
        r.provider().substring(0, 12), r.modelDigest().substring(0, 19), r.licenceDigest().substring(0, 12));
    for (ProviderDemo.SiteRun s : r.runs()) {
      StringBuilder d = new StringBuilder();
      s.dice().forEach((k, v) -> d.append(String.format(Locale.ROOT, "%s %.3f  ", k, v)));
      w.printf("Site A    run %d/%d: task %s, licence use logged at %d before the model was unwrapped; Dice %s%n", s.run(), 2, s.taskId(),
          s.useLogIndex(), d.toString().trim());
    }
    w.println("Refusals  (refused = the enclave refused with the named rule before unwrapping the model)");
    r.refusals().forEach((k, v) -> w.printf("  %-20s %s  %s%n", k, v.refused() ? "REFUSED" : "NOT REFUSED", v.type() == null ? v.detail() : v.type()));
    w.printf("Usage     %d use(s) in the provider's verified report (signatures, inclusion, numbering%s): %s%n", r.usage().entries(),
        r.usage().consistencyChecked() ? ", consistency" : "", r.usage().exactlyTheRuns() ? "exactly the two runs" : "NOT the two runs");
    w.printf("INSECURE dev enclave: software keys, no hardware attestation. %.1f s%n", r.totalSeconds());
  }
}
