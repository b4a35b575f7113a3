package org.secaimed.kaapana.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.gateway.AttestedEnclave;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.party.PartyKey;
import org.secaimed.connector.party.RequestRefusedException;
import org.secaimed.connector.provider.LicenceFile;
import org.secaimed.connector.provider.SignedLicence;
import org.secaimed.connector.provider.UsageLicence;
import org.secaimed.connector.seal.KemKeys;
import org.secaimed.dicom.exchange.ModelBundle;
import org.secaimed.dicom.exchange.ModelManifest;
import org.secaimed.kaapana.provider.ProviderPackager;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code secaimed provider}: what an algorithm provider does (docs/gateway-protocol.md, "Usage licence"). */
@Command(name = "provider", mixinStandardHelpOptions = true,
    description = "Algorithm providers: seal a model to an attested enclave under a signed usage licence.",
    subcommands = {ProviderCommand.Package.class, ProviderCommand.Publish.class, ProviderCommand.UsageReport.class, ProviderCommand.Revoke.class})
public final class ProviderCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a provider command is required");
  }

  @Command(name = "package", mixinStandardHelpOptions = true,
      description = {"Seal a model bundle to an attested enclave under a usage licence you sign.",
          "Attests the enclave under your policy, signs the usage licence with your key and seals the model bundle",
          "(manifest.json + model.onnx) to the attested enclave, bound to the licence's digest.",
          "Writes bundle.sealed, licence.json and bundle.json into --out; the model never leaves in plaintext."})
  static final class Package implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FOLDER", description = "folder with manifest.json and model.onnx")
    Path model;

    @Option(names = "--licence", required = true, paramLabel = "FILE", description = "licence terms (YAML: sites, allow, maxRuns, maxRunsPerSite, notAfter)")
    Path licence;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "your private key file (from keygen); your party key is derived from it")
    Path key;

    @Option(names = "--gateway", required = true, paramLabel = "URL", description = "the enclave gateway to attest and seal to")
    String gateway;

    @Option(names = "--policy", required = true, paramLabel = "FILE", description = "your attestation policy (YAML) the enclave's evidence must pass")
    Path policy;

    @Option(names = "--out", required = true, paramLabel = "FOLDER", description = "folder to write the package into")
    Path out;

    @CommandLine.Mixin SiteCollateralOptions collateral = new SiteCollateralOptions();

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
      CommandLine cmd = spec.commandLine();
      Usage.inputFolder("--model", model);
      Usage.inputFile("--licence", licence);
      Usage.inputFile("--key", key);
      Usage.inputFile("--policy", policy);
      try {
        ModelManifest manifest = ModelManifest.parse(Files.readAllBytes(Usage.inputFile("--model", model.resolve(ModelBundle.MANIFEST))));
        ModelBundle bundle = new ModelBundle(manifest, Files.readAllBytes(Usage.inputFile("--model", model.resolve(ModelBundle.MODEL))));
        PartyKey provider = PartyKey.derivedFrom(KemKeys.readPrivateKey(key));
        UsageLicence terms = LicenceFile.read(licence, provider.id(), new UsageLicence.Model(manifest.id(), manifest.version(), bundle.modelDigest()));
        SignedLicence signed = SignedLicence.sign(terms, provider);
        GatewaySession session = GatewaySession.builder(gateway).policy(Policy.load(policy)).siteCollateral(collateral.provider(spec)).build();
        AttestedEnclave enclave = session.attest();
        ProviderPackager.Packaged p = ProviderPackager.write(enclave, bundle, signed, out);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("out", out.toString());
        o.put("model", Map.of("id", manifest.id(), "version", manifest.version(), "digest", p.modelDigest()));
        o.put("licenceDigest", p.licenceDigest());
        o.put("provider", provider.id());
        o.put("enclaveKemKeyId", p.kemKeyId());
        o.put("insecureEnclave", enclave.insecure());
        o.put("sealedBytes", p.sealedBytes());
        if (json) {
          JsonOutput.ok(cmd.getOut(), o);
        } else {
          cmd.getOut().printf("packaged %s %s (%s) for enclave key %s%s: %s under licence %s (%s sites, %d runs)%n", manifest.id(),
              manifest.version(), p.modelDigest().substring(0, 23), p.kemKeyId().substring(0, 16), enclave.insecure() ? " (INSECURE dev enclave)" : "",
              out, p.licenceDigest().substring(0, 16), terms.sites().size(), terms.maxRuns());
        }
        cmd.getOut().flush();
        return SecaimedCli.EXIT_OK;
      } catch (RequestRefusedException e) {
        return SealCommand.Support.failure(cmd, json, "provider package", CliFailure.ofRule(e.rule().slug(), e.getMessage()));
      } catch (Exception e) {
        return SealCommand.Support.failure(cmd, json, "provider package", e);
      }
    }
  }

  /** What publish, usage and revoke share: the provider's key, the gateway, its attestation under the provider's policy. */
  static final class Connection {
    @CommandLine.Mixin PartyConnection party = new PartyConnection();

    record Attested(PartyKey provider, AttestedEnclave enclave, org.secaimed.connector.provider.ProviderClient client) {}

    Attested attest(CommandLine.Model.CommandSpec spec) throws Exception {
      party.requireInputs();
      PartyKey provider = PartyKey.derivedFrom(KemKeys.readPrivateKey(party.key));
      AttestedEnclave enclave = party.session(spec).build().attest();
      return new Attested(provider, enclave, new org.secaimed.connector.provider.ProviderClient(party.gateway, provider, enclave, java.time.Clock.systemUTC()));
    }
  }

  static int fail(CommandLine cmd, boolean json, String name, Exception e) {
    if (e instanceof org.secaimed.connector.provider.ProviderClient.ProviderCallException p) {
      return SealCommand.Support.failure(cmd, json, name, CliFailure.ofRule(p.problem(), p.getMessage()));
    }
    if (e instanceof org.secaimed.connector.tlog.LogProofException) {
      return SealCommand.Support.failure(cmd, json, name, CliFailure.of("USAGE_NOT_VERIFIED", e.getMessage()));
    }
    return SealCommand.Support.failure(cmd, json, name, e);
  }

  @Command(name = "publish", mixinStandardHelpOptions = true,
      description = {"Upload a package made by 'provider package' (bundle.sealed and licence.json) to the enclave gateway.",
          "The enclave keeps the bundle sealed until a licensed task needs it."})
  static final class Publish implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin Connection connection = new Connection();

    @Option(names = "--package", required = true, paramLabel = "FOLDER", description = "folder written by 'provider package'")
    Path folder;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
      CommandLine cmd = spec.commandLine();
      Usage.inputFolder("--package", folder);
      try {
        Connection.Attested a = connection.attest(spec);
        var answer = a.client().publish(ProviderPackager.readLicence(folder),
            Files.readAllBytes(Usage.inputFile("--package", folder.resolve(ProviderPackager.SEALED))));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("licenceDigest", answer.path("licenceDigest").asText());
        o.put("model", Map.of("id", answer.path("model").path("id").asText(), "version", answer.path("model").path("version").asText(),
            "digest", answer.path("model").path("digest").asText()));
        if (json) JsonOutput.ok(cmd.getOut(), o);
        else cmd.getOut().printf("published %s %s under licence %s%n", answer.path("model").path("id").asText(),
            answer.path("model").path("version").asText(), answer.path("licenceDigest").asText().substring(0, 16));
        cmd.getOut().flush();
        return SecaimedCli.EXIT_OK;
      } catch (Exception e) {
        return fail(cmd, json, "provider publish", e);
      }
    }
  }

  @Command(name = "usage", mixinStandardHelpOptions = true,
      description = {"List every use of your licence from the enclave's log, verified.",
          "Checks the enclave's signatures, the inclusion proofs, that uses are numbered without gaps and (with",
          "--checkpoint) that the log only grew since you last looked."})
  static final class UsageReport implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin Connection connection = new Connection();

    @Option(names = "--licence-digest", required = true, paramLabel = "HEX", description = "the licence (bundle.json licenceDigest)")
    String digest;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "your stored checkpoint: checked for consistency if present, then updated")
    Path checkpoint;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
      CommandLine cmd = spec.commandLine();
      try {
        Connection.Attested a = connection.attest(spec);
        String stored = checkpoint != null && Files.exists(checkpoint) ? Files.readString(checkpoint) : null;
        var audited = a.client().verifiedUsage(digest, stored);
        var verified = audited.verified();
        if (checkpoint != null) org.secaimed.connector.io.AtomicFiles.write(checkpoint, audited.checkpoint().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.util.List<Map<String, Object>> uses = new java.util.ArrayList<>();
        for (var u : verified.uses()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("run", u.run());
          m.put("site", u.site());
          m.put("siteRun", u.siteRun());
          m.put("kind", u.kind());
          m.put("taskId", u.taskId());
          m.put("at", u.at());
          uses.add(m);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("licenceDigest", digest);
        o.put("entries", uses.size());
        o.put("uses", uses);
        o.put("revoked", verified.revoked());
        o.put("verified", true);
        o.put("treeSize", verified.checkpoint().size());
        o.put("consistencyChecked", verified.consistencyChecked());
        if (json) {
          JsonOutput.ok(cmd.getOut(), o);
        } else {
          cmd.getOut().printf("VERIFIED %d use(s) of licence %s%s (log size %d%s)%n", uses.size(), digest.substring(0, 16),
              verified.revoked() ? ", revoked" : "", verified.checkpoint().size(), verified.consistencyChecked() ? ", consistent with your checkpoint" : "");
          for (var u : uses) cmd.getOut().printf("  run %s: site %s… (its run %s) %s %s%n", u.get("run"), ((String) u.get("site")).substring(0, 16),
              u.get("siteRun"), u.get("kind"), u.get("at"));
        }
        cmd.getOut().flush();
        return SecaimedCli.EXIT_OK;
      } catch (Exception e) {
        return fail(cmd, json, "provider usage", e);
      }
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Stop your licence: the enclave logs a revocation and refuses every later task under it.")
  static final class Revoke implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin Connection connection = new Connection();

    @Option(names = "--licence-digest", required = true, paramLabel = "HEX", description = "the licence (bundle.json licenceDigest)")
    String digest;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
      CommandLine cmd = spec.commandLine();
      try {
        long index = connection.attest(spec).client().revoke(digest);
        if (json) JsonOutput.ok(cmd.getOut(), Map.of("licenceDigest", digest, "leafIndex", index));
        else cmd.getOut().printf("revoked licence %s (log entry %d)%n", digest.substring(0, 16), index);
        cmd.getOut().flush();
        return SecaimedCli.EXIT_OK;
      } catch (Exception e) {
        return fail(cmd, json, "provider revoke", e);
      }
    }
  }
}
