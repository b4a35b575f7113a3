package org.secaimed.kaapana.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.secaimed.connector.attest.PolicyException;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.receipt.ReceiptAnchor;
import org.secaimed.connector.receipt.ReceiptBundle;
import org.secaimed.connector.receipt.ReceiptException;
import org.secaimed.connector.receipt.ReceiptVerifier;
import org.secaimed.connector.receipt.TaskReceipt;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code secaimed receipt verify}: checks a stored receipt bundle offline. The signature and log
 * proofs alone only show that some key signed it, so the verdict is VERIFIED only when the
 * evidence kept in the bundle is re-verified under {@code --policy} and binds that key;
 * otherwise UNANCHORED (exit 1).
 */
@Command(name = "receipt", description = "Verify task receipts and transparency-log proofs offline",
    subcommands = {ReceiptCommand.Verify.class})
public final class ReceiptCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (verify)");
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Verify a receipt bundle offline and say whether it is anchored to a trusted enclave.",
          "Checks the enclave's signature, inclusion in the signed log checkpoint,",
          "with --checkpoint that the log only grew since the checkpoint the site stored (no fork, no rewrite), and",
          "with --policy that the attestation evidence kept in the bundle is accepted (at the attestation time) and",
          "binds the key that signed the receipt. Without that anchor the result is UNANCHORED (exit 1).",
          "With --site-key the receipt's recipient must be one of the site's keys (else NOT VERIFIED, exit 1)."})
  static final class Verify implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "receipt bundle (secaimed-receipt-bundle-v1 JSON, e.g. <run>/receipt.json)")
    Path file;

    @Option(names = "--policy", paramLabel = "FILE", description = "policy YAML to re-verify the kept evidence under (e.g. <run>/policy.yaml)")
    Path policy;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "a checkpoint (signed note) the site stored earlier")
    Path checkpoint;

    @Option(names = "--site-key", paramLabel = "FILE",
        description = "the site's key file (public, e.g. from keygen, or private): the receipt's results must have been sealed to it; repeatable")
    java.util.List<Path> siteKeys = new java.util.ArrayList<>();

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("file", file.toString());
      Usage.inputFile("FILE", file);
      if (checkpoint != null) Usage.inputFile("--checkpoint", checkpoint);
      Policy pol;
      try {
        pol = policy == null ? null : Policy.load(Usage.inputFile("--policy", policy));
      } catch (PolicyException e) {
        throw Usage.error(spec, "--policy", e.getMessage());
      }
      try {
        String stored = checkpoint == null ? null : Files.readString(checkpoint, StandardCharsets.UTF_8);
        ReceiptBundle bundle = ReceiptBundle.read(file);
        ReceiptVerifier.Verified v = ReceiptVerifier.verify(bundle, stored);
        describe(report, bundle, v);
        java.util.Set<String> sites = siteKeyIds();
        report.put("recipientKeyId", v.receipt().recipientKeyId());
        report.put("recipientIsSiteKey", sites.isEmpty() ? null : sites.contains(v.receipt().recipientKeyId()));
        if (!sites.isEmpty() && !sites.contains(v.receipt().recipientKeyId())) {
          // A genuine receipt for someone else's task (results sealed to another key) is no receipt of ours.
          report.put("verified", false);
          report.put("status", "NOT VERIFIED");
          ErrorReport error = new ErrorReport("RECIPIENT_NOT_SITE", "the receipt's results were sealed to key " + v.receipt().recipientKeyId()
              + ", which is not a site key given with --site-key", "--site-key");
          if (json) JsonOutput.failed(out, error, report);
          else spec.commandLine().getErr().println("NOT VERIFIED: " + error.line());
          return SecaimedCli.EXIT_FAILED;
        }
        ReceiptAnchor.Anchored anchor = null;
        String unanchored = null;
        if (pol == null) unanchored = "no --policy given: the kept evidence was not re-verified";
        else if (bundle.attestation() == null) unanchored = "the bundle keeps no attestation evidence";
        else anchor = ReceiptAnchor.verify(bundle, v.receipt(), pol, Instant.now());
        report.put("verified", anchor != null);
        report.put("status", anchor != null ? "VERIFIED" : "UNANCHORED");
        if (anchor != null) {
          report.put("anchor", Map.of("policy", pol.name(), "policyDigest", pol.digest(), "samePolicyAsRun", anchor.samePolicyAsRun(),
              "attestedAt", anchor.outcome().at().toString(), "evidenceDigest", anchor.outcome().evidenceDigest(),
              "insecure", anchor.outcome().insecure()));
        } else {
          report.put("unanchored", unanchored);
        }
        if (json && anchor != null) JsonOutput.ok(out, report);
        else if (json) JsonOutput.failed(out, new ErrorReport("UNANCHORED", unanchored, policy == null ? "--policy" : "FILE"), report);
        else printHuman(out, bundle, v, anchor, unanchored, pol, !sites.isEmpty());
        return anchor != null ? SecaimedCli.EXIT_OK : SecaimedCli.EXIT_FAILED;
      } catch (ReceiptException e) {
        report.put("verified", false);
        report.put("status", "NOT VERIFIED");
        // The library quotes its JSON parser; the report keeps the reason and the words, not the parser's internals.
        ErrorReport error = ErrorReport.of(e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException j
            ? new ReceiptException(e.reason(), file + ": not a receipt bundle: " + ErrorReport.json(j)) : e);
        if (json) JsonOutput.failed(out, error, report);
        else spec.commandLine().getErr().println("NOT VERIFIED: " + error.line());
        return SecaimedCli.EXIT_FAILED;
      }
    }

    /** Key ids of the --site-key files (public key files, or the public half of private ones). */
    private java.util.Set<String> siteKeyIds() {
      java.util.Set<String> ids = new java.util.LinkedHashSet<>();
      for (Path p : siteKeys) {
        Usage.inputFile("--site-key", p);
        try {
          ids.add(org.secaimed.connector.seal.KemKeys.readPublicKey(p).keyId());
        } catch (IOException notPublic) {
          try {
            ids.add(org.secaimed.connector.seal.KemKeys.readPrivateKey(p).publicKey().keyId());
          } catch (IOException e) {
            throw new CliFailure("INVALID_KEY_FILE", "--site-key " + p + ": neither a public nor a private key file (" + ErrorReport.of(notPublic).message() + ")",
                "--site-key");
          }
        }
      }
      return ids;
    }

    private static void describe(Map<String, Object> report, ReceiptBundle bundle, ReceiptVerifier.Verified v) {
      TaskReceipt r = v.receipt();
      report.put("taskId", r.taskId());
      report.put("kind", r.kind());
      report.put("algorithm", r.algorithm());
      report.put("enclave", r.enclave());
      report.put("inputs", r.inputs().stream().map(i -> Map.of("blobId", i.blobId(), "instances", i.instances().size())).toList());
      report.put("outputs", r.outputs());
      report.put("log", Map.of("origin", v.checkpoint().origin(), "treeSize", v.checkpoint().size(), "leafIndex", bundle.leafIndex()));
      report.put("consistencyChecked", v.consistencyChecked());
    }

    private static void printHuman(PrintWriter out, ReceiptBundle bundle, ReceiptVerifier.Verified v, ReceiptAnchor.Anchored anchor,
        String unanchored, Policy pol, boolean recipientChecked) {
      TaskReceipt r = v.receipt();
      out.printf("%s receipt of %s (%s, %s %s)%n", anchor != null ? "VERIFIED" : "UNANCHORED", r.taskId(), r.kind(), r.algorithm().id(),
          r.algorithm().version());
      if (anchor != null) {
        out.printf("  signed by the key the enclave's evidence binds; evidence re-verified under policy '%s' at %s%s%n", pol.name(),
            anchor.outcome().at(), anchor.samePolicyAsRun() ? " (the run's own policy)" : " (NOT the policy the run used)");
        out.printf("  enclave: %s, measurement %s%s%n", r.enclave().platform(), r.enclave().measurement(),
            r.enclave().insecure() ? " — INSECURE dev enclave, not for patient data" : "");
      } else {
        out.printf("  %s; the signature and log proofs below verify only under the key inside the bundle, which anyone can mint.%n", unanchored);
        out.printf("  The enclave the receipt claims (%s) is NOT established. Re-run with --policy FILE.%n", r.enclave().platform());
      }
      out.printf("  included at index %d of %d in log %s%n", bundle.leafIndex(), v.checkpoint().size(), v.checkpoint().origin());
      out.printf("  results sealed to key %s%s%n", r.recipientKeyId(), recipientChecked ? " (a site key)" : " (not checked: no --site-key)");
      out.printf("  consistency with stored checkpoint: %s%n", v.consistencyChecked() ? "verified" : "not checked (no --checkpoint)");
      out.printf("  inputs: %d blob(s), %d instance digest(s); outputs: %d%n", r.inputs().size(),
          r.inputs().stream().mapToInt(i -> i.instances().size()).sum(), r.outputs().size());
      out.flush();
    }
  }
}
