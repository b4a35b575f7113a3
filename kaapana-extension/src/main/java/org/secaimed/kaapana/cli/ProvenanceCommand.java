package org.secaimed.kaapana.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Period;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.gateway.AttestedEnclave;
import org.secaimed.connector.gateway.GatewayProblemException;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.provenance.Lineage;
import org.secaimed.connector.provenance.ProvenanceException;
import org.secaimed.connector.seal.KemKeys;
import org.secaimed.kaapana.provenance.ProvenanceRecord;
import org.secaimed.kaapana.provenance.ProvenanceStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code secaimed provenance}: which data trained a model and every use of it, verified and kept (docs/provenance.md). */
@Command(name = "provenance", mixinStandardHelpOptions = true,
    description = "Provenance for auditors: a model's lineage and uses from receipts and the log, verified and kept.",
    subcommands = {ProvenanceCommand.Model.class, ProvenanceCommand.Study.class, ProvenanceCommand.Verify.class, ProvenanceCommand.Prune.class})
public final class ProvenanceCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a provenance command is required");
  }

  /** Where reports are kept and for how long (AI Act: at least six months). */
  static final class Keeping {
    @Option(names = "--store", required = true, paramLabel = "FOLDER", description = "the site's provenance store (kept reports)")
    Path store;

    @Option(names = "--retain", paramLabel = "PERIOD", defaultValue = "P6M",
        description = "keep reports at least this long (ISO-8601 period, at least P6M; default ${DEFAULT-VALUE})")
    String retain;

    Period retention(CommandLine.Model.CommandSpec spec) {
      try {
        Period p = Period.parse(retain);
        ProvenanceRecord.requireRetention(p);
        return p;
      } catch (java.time.format.DateTimeParseException e) {
        throw Usage.error(spec, "--retain", "'" + retain + "' is not an ISO-8601 period such as P6M or P10Y");
      } catch (IllegalArgumentException e) {
        throw Usage.error(spec, "--retain", e.getMessage());
      }
    }
  }

  /** The site's connection to the enclave: who it is, what it accepts as an enclave, what it has pinned. */
  static final class SiteConnection {
    @CommandLine.Mixin PartyConnection party = new PartyConnection();

    @Option(names = "--checkpoint-dir", required = true, paramLabel = "FOLDER", description = "the site's checkpoint store (the pinned log checkpoints)")
    Path checkpoints;

    void requireInputs() {
      party.requireInputs();
    }

    /** A session as this site, verifying the enclave with the site's own collateral. */
    GatewaySession session(CommandLine.Model.CommandSpec spec) throws Exception {
      return party.session(spec).site(KemKeys.readPrivateKey(party.key)).checkpointStore(checkpoints).build();
    }
  }

  @Command(name = "model", mixinStandardHelpOptions = true,
      description = {"A model's lineage and every later use, verified, kept as a report.",
          "Attests the enclave under your policy, asks it for the model's provenance (only sites whose data trained the model may),",
          "verifies every receipt's signature and log inclusion, the log's consistency with your pinned checkpoint, the contributors'",
          "signed usage policies and the enclave-signed model statement, then writes evidence, SPDX 3.0, an HTML page and lineage JSON",
          "into --store/MODEL_ID/<time>/."})
  static final class Model implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL_ID", description = "the model (as the training result named it)")
    String modelId;

    @CommandLine.Mixin SiteConnection connection = new SiteConnection();

    @Option(names = "--manifests", paramLabel = "FILE",
        description = "JSON {blob id: {SOP Instance UID: SHA-256}} of your own training inputs, to check your instances too")
    Path manifests;

    @CommandLine.Mixin Keeping keeping = new Keeping();

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
      CommandLine cmd = spec.commandLine();
      Period retention = keeping.retention(spec);
      connection.requireInputs();
      try {
        Map<String, Map<String, String>> own = manifests == null ? Map.of()
            : org.secaimed.connector.receipt.Receipts.json().readValue(Usage.inputFile("--manifests", manifests).toFile(),
                new TypeReference<Map<String, Map<String, String>>>() {});
        GatewaySession session = connection.session(spec);
        AttestedEnclave enclave = session.attest();
        GatewaySession.Provenance p = session.modelProvenance(enclave, modelId, own);
        Instant now = Instant.now();
        Path folder = ProvenanceRecord.write(keeping.store, p.evidence(), p.lineage(), retention, now);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("modelId", modelId);
        o.put("folder", folder.toString());
        o.put("report", folder.resolve("report.html").toString());
        o.put("keepUntil", ProvenanceRecord.keepUntil(now, retention).toString());
        o.put("lineage", p.lineage());
        if (json) JsonOutput.ok(cmd.getOut(), o);
        else LineageText.print(cmd.getOut(), p.lineage(), folder);
        cmd.getOut().flush();
        return SecaimedCli.EXIT_OK;
      } catch (Exception e) {
        return failure(cmd, json, "provenance model", e);
      }
    }
  }

  @Command(name = "study", mixinStandardHelpOptions = true,
      description = {"Every task that used one of this site's series, under which policy, and what came out.",
          "Finds the inputs the site sealed with the series (--store/inputs.jsonl), asks the attested enclave for every task",
          "that used each (only the input's owner may), and verifies each receipt's signature and log inclusion and the log's",
          "consistency with your pinned checkpoint."})
  static final class Study implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--series", required = true, paramLabel = "UID", description = "the Series Instance UID")
    String series;

    @Option(names = "--store", required = true, paramLabel = "FOLDER", description = "the site's provenance store (its inputs.jsonl)")
    Path store;

    @CommandLine.Mixin SiteConnection connection = new SiteConnection();

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
      CommandLine cmd = spec.commandLine();
      connection.requireInputs();
      try {
        var inputs = new org.secaimed.connector.provenance.SealedInputs(store).holding(series);
        if (inputs.isEmpty()) {
          throw new CliFailure("NOT_FOUND", "this site sealed no input holding series " + series + " (" + store.resolve("inputs.jsonl") + ")", "--series");
        }
        GatewaySession session = connection.session(spec);
        AttestedEnclave enclave = session.attest();
        java.util.List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (var in : inputs) {
          var v = session.inputUses(enclave, in.blobId());
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("blobId", in.blobId());
          m.put("sealedAt", in.sealedAt());
          m.put("policyDigest", in.policyDigest());
          m.put("purposes", in.purposes());
          m.put("instances", in.instances());
          m.put("uses", v.uses());
          m.put("log", v.log());
          out.add(m);
        }
        if (json) {
          Map<String, Object> o = new LinkedHashMap<>();
          o.put("series", series);
          o.put("inputs", out);
          JsonOutput.ok(cmd.getOut(), o);
        } else {
          printStudy(cmd.getOut(), series, out);
        }
        cmd.getOut().flush();
        return SecaimedCli.EXIT_OK;
      } catch (Exception e) {
        return failure(cmd, json, "provenance study", e);
      }
    }

    @SuppressWarnings("unchecked")
    private static void printStudy(PrintWriter w, String series, java.util.List<Map<String, Object>> inputs) {
      w.printf("Series %s: %d sealed input(s)%n", series, inputs.size());
      for (Map<String, Object> in : inputs) {
        w.printf("Input  %s sealed %s under policy %s… (purposes %s)%n", in.get("blobId"), in.get("sealedAt"),
            String.valueOf(in.get("policyDigest")).substring(0, 12), in.get("purposes"));
        for (var u : (java.util.List<org.secaimed.connector.provenance.InputUses.Use>) in.get("uses")) {
          w.printf("  %s %-12s by %s, use %s of %s → %s%s%n", u.finishedAt(), u.kind(), u.party() == null ? "?" : u.party().substring(0, 12),
              u.useNumber(), u.maxUses(), u.outcomeDigest() == null ? "-" : u.outcomeDigest().substring(0, 16) + "…",
              u.modelProduced() != null ? ", trained model " + u.modelProduced() : u.modelUsed() != null ? ", with model " + u.modelUsed()
                  : u.licensedModel() != null ? ", with " + u.algorithm().id() + " " + u.algorithm().version() + " of provider "
                      + u.licensedModel().provider().substring(0, 12) + " under licence " + u.licensedModel().licenceDigest().substring(0, 12) + "…"
                  : "");
        }
        if (((java.util.List<?>) in.get("uses")).isEmpty()) w.println("  no task has used it");
      }
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Verify a kept provenance report offline, with no network.",
          "Checks every receipt, proof and policy in its evidence.json, that lineage.json is still what they prove,",
          "and with --policy that the kept attestation binds the enclave's key."})
  static final class Verify implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FOLDER", description = "a report folder written by 'provenance model'")
    Path folder;

    @Option(names = "--policy", paramLabel = "FILE", description = "attestation policy (YAML) to re-verify the kept evidence under")
    Path policy;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
      CommandLine cmd = spec.commandLine();
      Usage.inputFolder("FOLDER", folder);
      try {
        Policy pol = policy == null ? null : Policy.load(Usage.inputFile("--policy", policy));
        ProvenanceRecord.Verified v = ProvenanceRecord.verify(folder, pol, Instant.now());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("folder", folder.toString());
        o.put("status", v.anchored() ? "VERIFIED" : "UNANCHORED");
        o.put("lineage", v.lineage());
        if (json && v.anchored()) JsonOutput.ok(cmd.getOut(), o);
        else if (json) JsonOutput.failed(cmd.getOut(), new ErrorReport("UNANCHORED", "no --policy given: the kept evidence was not re-verified", "--policy"), o);
        else {
          PrintWriter w = cmd.getOut();
          w.printf("%s provenance of model %s: %d contributors, %d later uses, log %s at size %d%n", v.anchored() ? "VERIFIED" : "UNANCHORED",
              v.lineage().modelId(), v.lineage().contributors().size(), v.lineage().uses().size(), v.lineage().log().origin(), v.lineage().log().treeSize());
          if (!v.anchored()) w.println("  no --policy: the signatures verify under the key in the evidence, which is not yet tied to an enclave");
        }
        cmd.getOut().flush();
        return v.anchored() ? SecaimedCli.EXIT_OK : SecaimedCli.EXIT_FAILED;
      } catch (Exception e) {
        return failure(cmd, json, "provenance verify", e);
      }
    }
  }

  @Command(name = "prune", mixinStandardHelpOptions = true,
      description = {"Delete kept provenance reports whose retention has ended (and only those).",
          "A report is kept until the time in its retention.json (at least six months after it was written);",
          "a report without a readable retention.json is kept."})
  static final class Prune implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "FOLDER", description = "the site's provenance store")
    Path store;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
      CommandLine cmd = spec.commandLine();
      Usage.inputFolder("--store", store);
      try {
        ProvenanceStore.Pruned p = new ProvenanceStore(store).prune(Instant.now());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("store", store.toString());
        o.put("deleted", p.deleted().stream().map(Path::toString).toList());
        o.put("kept", p.kept());
        if (json) JsonOutput.ok(cmd.getOut(), o);
        else cmd.getOut().printf("deleted %d report(s) past their retention, kept %d%n", p.deleted().size(), p.kept());
        cmd.getOut().flush();
        return SecaimedCli.EXIT_OK;
      } catch (Exception e) {
        return SealCommand.Support.failure(cmd, json, "provenance prune", e);
      }
    }
  }

  /** The lineage for people, in a few lines. */
  static final class LineageText {
    private LineageText() {}

    static void print(PrintWriter w, Lineage l, Path folder) {
      w.printf("Model     %s (%s)%s%n", l.modelId(), l.modelDigest(), l.enclave().insecure() ? " — INSECURE dev enclave" : "");
      w.printf("Trained   task %s by %s %s in enclave %s%s%n", l.training().get(0).taskId(), l.algorithm().id(), l.algorithm().version(),
          l.enclave().measurement(), l.baseModel() == null ? "" : ", from base model " + l.baseModel());
      for (Lineage.Contributor c : l.contributors()) {
        w.printf("Data      %s%s: %d studies, %d instances under policy %s (purposes %s)%n", c.party().substring(0, 12), c.own() ? " (this site)" : "",
            c.studies(), c.instances(), c.policyDigests().get(0).substring(0, 12), String.join(", ", c.purposes()));
      }
      for (Lineage.Task u : l.uses()) {
        w.printf("Use       %s %-12s by %s → %s…%n", u.finishedAt(), u.kind(), u.party() == null ? "?" : u.party().substring(0, 12),
            u.outcomeDigest() == null ? "-" : u.outcomeDigest().substring(0, 16));
      }
      w.printf("Log       %s at size %d%s%n", l.log().origin(), l.log().treeSize(),
          l.log().consistencyChecked() ? ", consistent with the pinned checkpoint" : " (first checkpoint pinned now)");
      w.printf("Report    %s%n", folder.resolve("report.html"));
    }
  }

  /** A provenance step's own code, or the enclave's refusal rule (e.g. NOT_MODEL_CONTRIBUTOR), or the generic mapping. */
  static int failure(CommandLine cmd, boolean json, String command, Exception e) {
    if (e instanceof ProvenanceException p) {
      return SealCommand.Support.failure(cmd, json, command, CliFailure.of(p.step().code(), p.getMessage()));
    }
    if (e instanceof GatewayProblemException p) {
      return SealCommand.Support.failure(cmd, json, command, CliFailure.ofRule(p.slug(), p.getMessage()));
    }
    return SealCommand.Support.failure(cmd, json, command, e);
  }
}
