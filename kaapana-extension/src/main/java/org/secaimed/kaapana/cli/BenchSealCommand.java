package org.secaimed.kaapana.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.seal.SealBenchmark;
import org.secaimed.connector.seal.SealOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code secaimed bench seal}: sealed-archive throughput on one core and on all cores, next to
 * {@code openssl speed -evp aes-256-gcm} measured in the same run, with ratios. Archives are held
 * in memory so that the figures are the crypto and pipeline cost, not the disk's.
 */
@Command(name = "seal", mixinStandardHelpOptions = true,
    description = {"Seal and open throughput (MB/s, 1 MB = 10^6 bytes) on one core and all cores, next to",
        "openssl speed -evp aes-256-gcm measured in the same run. Goal: one-core seal >= 0.6x OpenSSL."})
public final class BenchSealCommand implements Callable<Integer> {
  static final double GOAL = 0.6;
  /** Every figure, ours and OpenSSL's, is the best of this many runs: the machine may be shared. */
  static final int RUNS = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--bytes", paramLabel = "N", description = "plaintext bytes per run (default 1 GiB = ${DEFAULT-VALUE})")
  long bytes = 1L << 30;

  @Option(names = "--chunk-size", paramLabel = "BYTES", description = "chunk size (default ${DEFAULT-VALUE})")
  int chunkSize = SealOptions.DEFAULT_CHUNK_SIZE;

  @Option(names = "--suite", paramLabel = "SUITE", defaultValue = "xwing-sha256-aes256gcm", description = "HPKE suite of the key (default ${DEFAULT-VALUE})")
  String suite;

  @Option(names = "--openssl-seconds", paramLabel = "S", description = "seconds per openssl speed run (default ${DEFAULT-VALUE})")
  int opensslSeconds = 1;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Override
  public Integer call() throws IOException {
    CommandLine cmd = spec.commandLine();
    if (bytes < 1 << 20) throw new CommandLine.ParameterException(cmd, "--bytes must be at least 1 MiB");
    if (opensslSeconds < 1 || opensslSeconds > 60) throw new CommandLine.ParameterException(cmd, "--openssl-seconds must be 1..60");
    HpkeSuite s;
    SealOptions base;
    try {
      s = HpkeSuite.fromLabel(suite);
      base = SealOptions.defaults().withChunkSize(chunkSize);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cmd, e.getMessage());
    }
    int cores = Runtime.getRuntime().availableProcessors();
    KemKeyPair key = KemKeyPair.generate(s);
    progress("measuring raw AES-256-GCM engines (JCA vs Bouncy Castle)...");
    long rawBytes = Math.min(bytes, 64L << 20);
    Map<String, Double> engines = new LinkedHashMap<>();
    SealOptions.Engine best = SealOptions.Engine.JCA;
    double bestRate = -1;
    for (SealOptions.Engine e : SealOptions.Engine.values()) {
      double rate = SealBenchmark.rawEngine(e, rawBytes).mbPerSecond();
      engines.put(e.name(), rate);
      if (rate > bestRate) {
        bestRate = rate;
        best = e;
      }
    }
    SealOptions one = base.withEngine(best).withParallelism(1);
    SealOptions all = base.withEngine(best).withParallelism(cores);
    progress("warming up until throughput is steady...");
    SealBenchmark.warmUp(key, one);
    SealBenchmark.warmUp(key, all);

    progress("openssl speed, 1 core...");
    Double sslOne = OpensslSpeed.best(opensslSeconds, 1, RUNS);
    progress("sealed archive, 1 core, " + bytes + " bytes...");
    SealBenchmark.RoundTrip ours1 = SealBenchmark.bestRoundTrip(key, bytes, one, RUNS);
    Double sslAll = null;
    SealBenchmark.RoundTrip oursAll = null;
    if (cores > 1) {
      progress("openssl speed, " + cores + " cores...");
      sslAll = OpensslSpeed.best(opensslSeconds, cores, RUNS);
      progress("sealed archive, " + cores + " cores...");
      oursAll = SealBenchmark.bestRoundTrip(key, bytes, all, RUNS);
    }

    Map<String, Object> o = new LinkedHashMap<>();
    o.put("bytes", bytes);
    o.put("chunkSize", chunkSize);
    o.put("suite", s.label());
    o.put("cores", cores);
    o.put("rawEngineMBps", engines);
    o.put("engine", best.name());
    o.put("method", "warm-up until steady, then best of " + RUNS + " runs for every figure; archives in memory");
    o.put("opensslAes256GcmMBps", mapOf("oneCore", sslOne, "allCores", sslAll));
    o.put("oneCore", figures(ours1, sslOne, null));
    if (oursAll != null) o.put("allCores", figures(oursAll, sslAll, ours1));
    Double sealRatio = ratio(ours1.seal().mbPerSecond(), sslOne);
    o.put("goal", mapOf("oneCoreSealVsOpenssl", GOAL, "met", sealRatio == null ? null : sealRatio >= GOAL));
    if (json) {
      JsonOutput.print(cmd.getOut(), o);
    } else {
      var out = cmd.getOut();
      out.printf("bench seal: %s, %d MiB, %d KiB chunks, %d cores, engine %s (raw JCA %.0f MB/s, Bouncy Castle %.0f MB/s)%n",
          s.label(), bytes >> 20, chunkSize >> 10, cores, best, engines.get("JCA"), engines.get("BOUNCY_CASTLE"));
      out.printf("  (warm-up until steady, then best of %d runs for every figure; archives in memory)%n", RUNS);
      out.printf("  %-22s %12s %12s %12s%n", "", "seal MB/s", "open MB/s", "openssl MB/s");
      line(out, "1 core", ours1, sslOne);
      if (oursAll != null) line(out, cores + " cores", oursAll, sslAll);
      if (sealRatio != null) {
        out.printf("  1-core seal = %.2fx OpenSSL AES-256-GCM (goal >= %.1fx: %s)%n", sealRatio, GOAL, sealRatio >= GOAL ? "met" : "NOT met");
      } else {
        out.println("  openssl not available: no baseline, no ratio");
      }
      if (oursAll != null) {
        out.printf("  scaling to %d cores: seal %.2fx, open %.2fx (ideal %dx)%n", cores,
            oursAll.seal().mbPerSecond() / ours1.seal().mbPerSecond(), oursAll.open().mbPerSecond() / ours1.open().mbPerSecond(), cores);
      }
    }
    return SecaimedCli.EXIT_OK;
  }

  private void progress(String message) {
    if (!json) spec.commandLine().getErr().println("bench seal: " + message);
  }

  private static void line(java.io.PrintWriter out, String label, SealBenchmark.RoundTrip r, Double ssl) {
    out.printf("  %-22s %12.0f %12.0f %12s   (seal %s, open %s of OpenSSL)%n", label, r.seal().mbPerSecond(), r.open().mbPerSecond(),
        ssl == null ? "n/a" : String.format("%.0f", ssl), fmt(ratio(r.seal().mbPerSecond(), ssl)), fmt(ratio(r.open().mbPerSecond(), ssl)));
  }

  private static Map<String, Object> figures(SealBenchmark.RoundTrip r, Double ssl, SealBenchmark.RoundTrip oneCore) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sealMBps", r.seal().mbPerSecond());
    m.put("openMBps", r.open().mbPerSecond());
    m.put("sealVsOpenssl", ratio(r.seal().mbPerSecond(), ssl));
    m.put("openVsOpenssl", ratio(r.open().mbPerSecond(), ssl));
    if (oneCore != null) {
      m.put("sealScaling", r.seal().mbPerSecond() / oneCore.seal().mbPerSecond());
      m.put("openScaling", r.open().mbPerSecond() / oneCore.open().mbPerSecond());
    }
    return m;
  }

  private static Map<String, Object> mapOf(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  private static Double ratio(double ours, Double baseline) {
    return baseline == null || baseline <= 0 ? null : ours / baseline;
  }

  private static String fmt(Double d) {
    return d == null ? "n/a" : String.format("%.2fx", d);
  }

  /**
   * Runs {@code openssl speed -evp aes-256-gcm -elapsed} and parses its 16 KiB figure. Without
   * {@code -elapsed} OpenSSL divides by CPU time, which on a shared machine flatters it against
   * our wall-clock figures.
   */
  static final class OpensslSpeed {
    private static final Pattern LINE = Pattern.compile("(?m)^(?:evp|aes-256-gcm|AES-256-GCM)\\s+([0-9.]+)k\\s*$");

    private OpensslSpeed() {}

    static Double best(int seconds, int processes, int runs) {
      Double best = null;
      for (int i = 0; i < runs; i++) {
        Double r = aes256Gcm(seconds, processes);
        if (r == null) return null;
        best = best == null ? r : Math.max(best, r);
      }
      return best;
    }

    /** MB/s over all processes, or null when openssl is not installed or its output is not understood. */
    static Double aes256Gcm(int seconds, int processes) {
      List<String> command = new ArrayList<>(List.of("openssl", "speed", "-evp", "aes-256-gcm", "-seconds", String.valueOf(seconds), "-bytes", "16384", "-elapsed"));
      if (processes > 1) command.addAll(List.of("-multi", String.valueOf(processes)));
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = p.getInputStream()) {
          output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(seconds * 4L + 30, TimeUnit.SECONDS)) {
          p.destroy();
          return null;
        }
        return p.exitValue() == 0 ? parse(output) : null;
      } catch (IOException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }

    /** The last result line: "AES-256-GCM  3593011.20k" (figures in 1000s of bytes per second). */
    static Double parse(String output) {
      Matcher m = LINE.matcher(output);
      Double last = null;
      while (m.find()) last = Double.parseDouble(m.group(1)) / 1000.0;
      return last;
    }
  }
}
