package org.secaimed.kaapana.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.seal.KemKeys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code secaimed keygen}: a new HPKE key pair as two JSON key files (the private one owner-only). */
@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = {"Generate an HPKE key pair for sealing.",
        "Writes a private key file (mode 0600, never overwritten) and a public key file to give to whoever seals to you."})
public final class KeygenCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--suite", paramLabel = "SUITE", defaultValue = "xwing-sha256-aes256gcm",
      description = "xwing-sha256-aes256gcm (default, post-quantum hybrid), x25519-sha256-aes256gcm or p256-sha256-aes256gcm")
  String suite;

  @Option(names = "--out-private", required = true, paramLabel = "FILE", description = "private key file to create")
  Path outPrivate;

  @Option(names = "--out-public", required = true, paramLabel = "FILE", description = "public key file to write")
  Path outPublic;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Override
  public Integer call() throws Exception {
    HpkeSuite s;
    try {
      s = HpkeSuite.fromLabel(suite);
    } catch (IllegalArgumentException e) {
      throw Usage.error(spec, "--suite", e.getMessage());
    }
    // Refusing is a run-time decision about the world, not a usage mistake: exit 1.
    if (Files.exists(outPrivate)) {
      throw new CliFailure("EXISTS", "--out-private: " + outPrivate + " exists; refusing to overwrite a private key", "--out-private");
    }
    Usage.outputFile("--out-public", outPublic);
    KemKeyPair pair = KemKeyPair.generate(s);
    KemKeys.writePrivateKey(outPrivate, pair);
    KemKeys.writePublicKey(outPublic, pair.publicKey());
    if (json) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("ok", true);
      o.put("suite", s.label());
      o.put("keyId", pair.publicKey().keyId());
      o.put("privateKeyFile", outPrivate.toString());
      o.put("publicKeyFile", outPublic.toString());
      JsonOutput.print(spec.commandLine().getOut(), o);
    } else {
      spec.commandLine().getOut().printf("keygen: %s key %s%n  private: %s (owner-only)%n  public:  %s%n",
          s.label(), pair.publicKey().keyId(), outPrivate, outPublic);
    }
    return SecaimedCli.EXIT_OK;
  }
}
