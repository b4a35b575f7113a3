package org.secaimed.devtools.cli;

import org.secaimed.kaapana.cli.JsonOutput;
import org.secaimed.kaapana.cli.SecaimedCli;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.devtools.bench.EnclaveBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code secaimed bench enclave}: end-to-end overhead of the confidential path over the same pipeline unsealed. */
@Command(name = "enclave", mixinStandardHelpOptions = true,
    description = {"End-to-end cost of the confidential path next to the same pipeline unsealed.",
        "Attest + seal + upload + run + receipt + verify + open for a generated CT phantom on loopback",
        "(INSECURE dev enclave), next to the same pipeline with sealing switched off, measured in the same",
        "run, in alternating rounds. Goal: the median of the rounds' confidential / baseline ratios <= "
            + BenchEnclaveCommand.GOAL + "x.",
        "With --link-mbps N (repeatable): over a simulated uplink of N Mbit/s instead (a throttling proxy on",
        "loopback, both directions), time to the result for plaintext uncompressed (a naive integration),",
        "plaintext zstd-compressed and confidential zstd-compressed. Goal there: confidential / plaintext",
        "uncompressed <= " + BenchLinkOutput.GOAL + "x at every speed. The plaintext+zstd baseline compresses exactly as the",
        "confidential path does (byte planes + zstd level 1, zstd workers on every core, the same decoder).",
        "With --transfer-syntax jpeg-ls as well: the confidential path on the study encoded as JPEG-LS lossless by",
        "dcmtk's dcmcjpls (before timing; sealed without zstd), next to the same rounds, with the enclave's decoding cost."})
public final class BenchEnclaveCommand implements Callable<Integer> {
  static final double GOAL = 1.10;
  /**
   * The goal is judged on the median of per-round ratios, not on best confidential over best
   * baseline: each round runs both paths back to back, so a pair shares the machine's state, while
   * two independent minima let one lucky round on either side swing the ratio (seen here: best-of
   * 1.148x with a median of 0.976x in the same run).
   */
  static double judged(EnclaveBenchmark.Report r) {
    return r.medianRoundRatio();
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--size", description = "slice columns and rows (default ${DEFAULT-VALUE})")
  int size = 512;

  @Option(names = "--slices", description = "slices; 290 x 512^2 is about 152 MB of DICOM (default ${DEFAULT-VALUE})")
  int slices = 290;

  @Option(names = "--suite", description = "HPKE suite of the keys (default ${DEFAULT-VALUE})")
  String suite = HpkeSuite.DEFAULT.label();

  @Option(names = "--part-size", paramLabel = "BYTES", description = "upload part size (default ${DEFAULT-VALUE})")
  int partSize = 8 << 20;

  @Option(names = "--runs", description = "alternating rounds (default 5 on loopback, 3 over a link)")
  Integer runs;

  @Option(names = "--link-mbps", paramLabel = "MBPS", description = "simulate an uplink of this many Mbit/s (repeatable, e.g. 1000 and 100)")
  java.util.List<Integer> linkMbps = new java.util.ArrayList<>();

  @Option(names = "--link-rtt-ms", paramLabel = "MS", description = "with --link-mbps: the link's round-trip time (default"
      + " ${DEFAULT-VALUE}: bandwidth only); each chunk is held half of it each way, a new connection one round trip")
  int linkRttMs = 0;

  @Option(names = "--transfer-syntax", paramLabel = "SYNTAX", description = {"with --link-mbps: also run the confidential path on the",
      "study stored in this transfer syntax (jpeg-ls: JPEG-LS lossless, encoded by dcmtk's dcmcjpls before timing, sealed without zstd)"})
  String transferSyntax;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Override
  public Integer call() throws Exception {
    CommandLine cmd = spec.commandLine();
    if (size < 64 || size > 1024) throw new CommandLine.ParameterException(cmd, "--size must be 64..1024");
    if (slices < 8 || slices > 2000) throw new CommandLine.ParameterException(cmd, "--slices must be 8..2000");
    int runs = this.runs != null ? this.runs : linkMbps.isEmpty() ? 5 : 3;
    if (runs < 1 || runs > 20) throw new CommandLine.ParameterException(cmd, "--runs must be 1..20");
    if (transferSyntax != null && !transferSyntax.equals("jpeg-ls")) {
      throw new CommandLine.ParameterException(cmd, "--transfer-syntax must be jpeg-ls (the only stored compressed syntax the bench encodes)");
    }
    if (transferSyntax != null && linkMbps.isEmpty()) throw new CommandLine.ParameterException(cmd, "--transfer-syntax needs --link-mbps");
    boolean jpegLs = transferSyntax != null;
    if (jpegLs) {
      try {
        org.secaimed.devtools.bench.JpegLsStudy.requireTool();
      } catch (IllegalStateException e) {
        throw new CommandLine.ParameterException(cmd, e.getMessage());
      }
    }
    for (int m : linkMbps) if (m < 1 || m > 100_000) throw new CommandLine.ParameterException(cmd, "--link-mbps must be 1..100000");
    if (linkRttMs < 0 || linkRttMs > 1000) throw new CommandLine.ParameterException(cmd, "--link-rtt-ms must be 0..1000");
    if (linkRttMs > 0 && linkMbps.isEmpty()) throw new CommandLine.ParameterException(cmd, "--link-rtt-ms needs --link-mbps");
    PrintWriter out = cmd.getOut();
    Path work = Files.createTempDirectory("secaimed-bench-enclave-");
    try {
      if (!linkMbps.isEmpty()) {
        var r = org.secaimed.devtools.bench.LinkBenchmark.run(work, size, slices, HpkeSuite.fromLabel(suite), partSize, runs,
            linkMbps, java.time.Duration.ofMillis(linkRttMs), BenchLinkOutput.realCt(), jpegLs, msg -> cmd.getErr().println("bench enclave: " + msg));
        if (json) BenchLinkOutput.json(out, r);
        else BenchLinkOutput.text(out, r);
        out.flush();
        return r.links().stream().allMatch(l -> l.identicalLabels()) ? SecaimedCli.EXIT_OK : SecaimedCli.EXIT_FAILED;
      }
      EnclaveBenchmark.Report r = EnclaveBenchmark.run(work, size, slices, HpkeSuite.fromLabel(suite), partSize, runs,
          msg -> cmd.getErr().println("bench enclave: " + msg));
      if (json) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("size", r.size());
        o.put("slices", r.slices());
        o.put("dicomBytes", r.dicomBytes());
        o.put("suite", r.suite());
        o.put("partSize", r.partSize());
        o.put("runs", r.runs());
        o.put("baselineSeconds", r.baseline());
        o.put("confidentialSeconds", r.confidential());
        o.put("ratio", r.ratio());
        o.put("roundRatios", r.roundRatios());
        o.put("medianRoundRatio", r.medianRoundRatio());
        o.put("goal", GOAL);
        o.put("goalJudgedOn", "medianRoundRatio");
        o.put("withinGoal", judged(r) <= GOAL);
        o.put("identicalLabels", r.identicalLabels());
        o.put("insecureDevEnclave", true);
        JsonOutput.print(out, o);
      } else {
        out.printf("bench enclave: %dx%dx%d CT phantom, %.1f MB DICOM, %s, %d MiB parts, loopback INSECURE dev enclave, best of %d%n",
            r.size(), r.size(), r.slices(), r.dicomBytes() / 1e6, r.suite(), r.partSize() >> 20, r.runs());
        out.printf("%-26s %14s %14s%n", "stage (seconds)", "sealing off", "confidential");
        out.printf("%-26s %14.2f %14.2f%n", "study to enclave", r.baseline().toEnclave(), r.confidential().toEnclave());
        out.printf("%-26s %14.2f %14.2f%n", "task", r.baseline().task(), r.confidential().task());
        out.printf("%-26s %14.2f %14.2f%n", "result back at the site", r.baseline().resultBack(), r.confidential().resultBack());
        out.printf("%-26s %14.2f %14.2f%n", "total", r.baseline().total(), r.confidential().total());
        out.printf("throughput to enclave: %.0f MB/s sealing off, %.0f MB/s confidential%n",
            r.dicomBytes() / 1e6 / r.baseline().toEnclave(), r.dicomBytes() / 1e6 / r.confidential().toEnclave());
        out.printf("ratio confidential / sealing off, per round: %s; best round over best round: %.3fx%n",
            r.roundRatios().stream().map(x -> String.format("%.2f", x)).toList(), r.ratio());
        out.printf("median of the rounds' ratios: %.3fx (goal <= %.2fx: %s); label maps identical: %s%n", judged(r), GOAL,
            judged(r) <= GOAL ? "met" : "NOT met", r.identicalLabels() ? "yes" : "NO");
      }
      out.flush();
      return r.identicalLabels() ? SecaimedCli.EXIT_OK : SecaimedCli.EXIT_FAILED;
    } finally {
      try (Stream<Path> s = Files.walk(work)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
