package org.secaimed.kaapana.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.secaimed.connector.io.AtomicFiles;
import org.secaimed.connector.seal.KemKeys;
import org.secaimed.connector.seal.KemPublicKey;
import org.secaimed.connector.seal.SealOptions;
import org.secaimed.connector.seal.SealedArchive;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code secaimed seal}: seal a file to a recipient's public key (docs/sealed-archive-format.md). */
@Command(name = "seal", mixinStandardHelpOptions = true,
    description = {"Seal a file to a recipient's HPKE public key as a streaming sealed archive.",
        "The output appears only when complete (written to a temporary file, then moved)."})
public final class SealCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--recipient", required = true, paramLabel = "PUBKEY", description = "recipient public key file (JSON, from keygen)")
  Path recipient;

  @Option(names = "--in", required = true, paramLabel = "FILE", description = "plaintext file")
  Path in;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "sealed archive to write")
  Path out;

  @CommandLine.ArgGroup(exclusive = false)
  Support.BindingOptions binding = new Support.BindingOptions();

  @Option(names = "--chunk-size", paramLabel = "BYTES", description = "plaintext bytes per chunk (default ${DEFAULT-VALUE})")
  int chunkSize = SealOptions.DEFAULT_CHUNK_SIZE;

  @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: all cores)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Override
  public Integer call() throws IOException {
    CommandLine cmd = spec.commandLine();
    byte[] bindingBytes = binding.bytes(cmd);
    SealOptions options;
    options = Support.options(spec, chunkSize, threads);
    Usage.inputFile("--recipient", recipient);
    Usage.inputFile("--in", in);
    Usage.outputFile("--out", out);
    KemPublicKey key;
    try {
      key = KemKeys.readPublicKey(recipient);
    } catch (IOException e) {
      return Support.failure(cmd, json, "seal", e);
    }
    long t0 = System.nanoTime();
    long[] plaintext = new long[1];
    try {
      AtomicFiles.write(out, AtomicFiles.Access.OWNER_ONLY, file -> {
        try (InputStream src = Files.newInputStream(in)) {
          BufferedOutputStream sink = new BufferedOutputStream(file, 1 << 20);
          plaintext[0] = SealedArchive.seal(src, sink, key, bindingBytes, options);
          sink.flush();
        }
      });
    } catch (IOException e) {
      return Support.failure(cmd, json, "seal", e);
    }
    long plaintextBytes = plaintext[0];
    long nanos = System.nanoTime() - t0;
    long archiveBytes = Files.size(out);
    if (json) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("ok", true);
      o.put("out", out.toString());
      o.put("suite", key.suite().label());
      o.put("recipientKeyId", key.keyId());
      o.put("plaintextBytes", plaintextBytes);
      o.put("archiveBytes", archiveBytes);
      o.put("chunkSize", options.chunkSize());
      o.put("threads", options.parallelism());
      o.put("seconds", nanos / 1e9);
      o.put("mibPerSecond", Units.mibPerSecond(plaintextBytes, nanos));
      JsonOutput.print(cmd.getOut(), o);
    } else {
      cmd.getOut().printf("sealed %s to %s (%s, key %s): %s, %s%n", Units.bytes(plaintextBytes), out,
          key.suite().label(), key.keyId().substring(0, 16), Units.bytes(archiveBytes), Units.rate(plaintextBytes, nanos));
    }
    return SecaimedCli.EXIT_OK;
  }

  /** What {@code seal} and {@code open} share: binding options, temp-then-move output, failure reports. */
  static final class Support {
    private Support() {}

    /** The binding given as text or hex (at most one); empty when neither is given. */
    static final class BindingOptions {
      @CommandLine.Option(names = "--binding", paramLabel = "TEXT",
          description = "bind the archive to this text (for example a task id); opening needs the same value")
      String text;

      @CommandLine.Option(names = "--binding-hex", paramLabel = "HEX", description = "the binding as hex bytes (for example an evidence digest)")
      String hex;

      byte[] bytes(CommandLine cmd) {
        if (text != null && hex != null) throw new CommandLine.ParameterException(cmd, "give --binding or --binding-hex, not both");
        if (hex != null) {
          try {
            return HexFormat.of().parseHex(hex.trim());
          } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, "--binding-hex: not valid hex");
          }
        }
        return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
      }
    }

    /** A temporary file next to {@code target}, owner-only, to be moved over the target when complete. */
    /** Chunk size and threads checked as the options they are, not as the library's field names. */
    static SealOptions options(CommandLine.Model.CommandSpec spec, Integer chunkSize, int threads) {
      Usage.range(spec, "--threads", threads, 1, 256);
      try {
        SealOptions o = SealOptions.defaults().withParallelism(threads);
        return chunkSize == null ? o : o.withChunkSize(chunkSize);
      } catch (IllegalArgumentException e) {
        throw Usage.error(spec, "--chunk-size", e.getMessage().replaceFirst("^chunkSize ", ""));
      }
    }

    /** Reports a rejected archive or key file: one JSON envelope, or one line naming the reason. */
    static int failure(CommandLine cmd, boolean json, String command, Exception e) {
      ErrorReport report = ErrorReport.of(e);
      if (json) JsonOutput.failed(cmd.getOut(), report, Map.of());
      else cmd.getErr().println(command + ": " + report.line());
      cmd.getErr().flush();
      return SecaimedCli.EXIT_FAILED;
    }
}
}
