package org.secaimed.kaapana.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.secaimed.connector.io.AtomicFiles;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.seal.KemKeys;
import org.secaimed.connector.seal.SealOptions;
import org.secaimed.connector.seal.SealedArchive;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code secaimed open}: open a sealed archive with the recipient's private key. */
@Command(name = "open", mixinStandardHelpOptions = true,
    description = {"Open a sealed archive with the recipient's private key.",
        "The output (owner-only) appears only if every chunk authenticated; otherwise nothing is left behind."})
public final class OpenCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--key", required = true, paramLabel = "PRIVKEY", description = "recipient private key file (JSON, from keygen)")
  Path key;

  @Option(names = "--in", required = true, paramLabel = "FILE", description = "sealed archive")
  Path in;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "plaintext file to write")
  Path out;

  @CommandLine.ArgGroup(exclusive = false)
  SealCommand.Support.BindingOptions binding = new SealCommand.Support.BindingOptions();

  @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: all cores)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Override
  public Integer call() throws IOException {
    CommandLine cmd = spec.commandLine();
    byte[] bindingBytes = binding.bytes(cmd);
    SealOptions options = SealCommand.Support.options(spec, null, threads);
    Usage.inputFile("--key", key);
    Usage.inputFile("--in", in);
    Usage.outputFile("--out", out);
    KemKeyPair pair;
    try {
      pair = KemKeys.readPrivateKey(key);
    } catch (IOException e) {
      return SealCommand.Support.failure(cmd, json, "open", e);
    }
    long t0 = System.nanoTime();
    long[] plaintext = new long[1];
    try {
      // Plaintext the user asked for: owner-only, and only once every chunk has authenticated.
      AtomicFiles.write(out, AtomicFiles.Access.OWNER_ONLY, sink -> {
        try (InputStream opened = SealedArchive.newOpeningStream(new BufferedInputStream(Files.newInputStream(in), 1 << 20), pair, bindingBytes, options)) {
          plaintext[0] = opened.transferTo(sink);
        }
      });
    } catch (IOException e) {
      if (bindingBytes.length == 0 && e instanceof org.secaimed.connector.seal.SealedArchiveException s
          && s.reason() == org.secaimed.connector.seal.SealedArchiveException.Reason.WRONG_BINDING) {
        // The usual cause: the binding was simply left out.
        throw new CliFailure("WRONG_BINDING", "the archive is bound to a task or evidence binding; give the --binding or --binding-hex"
            + " it was sealed with", "--binding");
      }
      return SealCommand.Support.failure(cmd, json, "open", e);
    }
    long plaintextBytes = plaintext[0];
    long nanos = System.nanoTime() - t0;
    if (json) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("ok", true);
      o.put("out", out.toString());
      o.put("suite", pair.suite().label());
      o.put("keyId", pair.publicKey().keyId());
      o.put("plaintextBytes", plaintextBytes);
      o.put("seconds", nanos / 1e9);
      o.put("mibPerSecond", Units.mibPerSecond(plaintextBytes, nanos));
      JsonOutput.print(cmd.getOut(), o);
    } else {
      cmd.getOut().printf("opened %s: %,d bytes authenticated (%s) and written to %s (%s)%n", in, plaintextBytes,
          Units.bytes(plaintextBytes), out, Units.rate(plaintextBytes, nanos));
    }
    return SecaimedCli.EXIT_OK;
  }
}
