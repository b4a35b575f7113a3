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
    subcommands = {ProviderCommand.Package.class})
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
        GatewaySession session = GatewaySession.builder(gateway).policy(Policy.load(policy)).build();
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
        return SealCommand.Support.failure(cmd, json, "provider package", CliFailure.of(e.rule().slug(), e.getMessage()));
      } catch (Exception e) {
        return SealCommand.Support.failure(cmd, json, "provider package", e);
      }
    }
  }
}
