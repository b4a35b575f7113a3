package org.secaimed.kaapana.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.secaimed.connector.receipt.ReceiptBundle;
import org.secaimed.connector.receipt.ReceiptException;
import org.secaimed.connector.receipt.ReceiptVerifier;
import org.secaimed.connector.receipt.TaskReceipt;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code secaimed receipt verify}: checks a stored receipt bundle offline (signature, log inclusion, consistency). */
@Command(name = "receipt", description = "Verify task receipts and transparency-log proofs offline",
    subcommands = {ReceiptCommand.Verify.class})
public final class ReceiptCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (verify)");
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Verify a receipt bundle offline: the enclave's signature and its inclusion in the signed log checkpoint.",
          "With --checkpoint, also that the log only grew since the checkpoint the site stored (no fork, no rewrite)."})
  static final class Verify implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "receipt bundle (secaimed-receipt-bundle-v1 JSON)")
    Path file;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "a checkpoint (signed note) the site stored earlier")
    Path checkpoint;

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
      try {
        String stored = checkpoint == null ? null : Files.readString(checkpoint, StandardCharsets.UTF_8);
        ReceiptVerifier.Verified v = ReceiptVerifier.verify(ReceiptBundle.read(file), stored);
        TaskReceipt r = v.receipt();
        report.put("verified", true);
        report.put("taskId", r.taskId());
        report.put("kind", r.kind());
        report.put("algorithm", r.algorithm());
        report.put("enclave", r.enclave());
        report.put("inputs", r.inputs().stream().map(i -> Map.of("blobId", i.blobId(), "instances", i.instances().size())).toList());
        report.put("outputs", r.outputs());
        report.put("log", Map.of("origin", v.checkpoint().origin(), "treeSize", v.checkpoint().size(),
            "leafIndex", ReceiptBundle.read(file).leafIndex()));
        report.put("consistencyChecked", v.consistencyChecked());
        if (json) {
          JsonOutput.ok(out, report);
        } else {
          out.printf("VERIFIED receipt of %s (%s, %s %s)%n", r.taskId(), r.kind(), r.algorithm().id(), r.algorithm().version());
          out.printf("  signed by the enclave key of log %s; included at index %d of %d%n", v.checkpoint().origin(),
              ReceiptBundle.read(file).leafIndex(), v.checkpoint().size());
          out.printf("  consistency with stored checkpoint: %s%n", v.consistencyChecked() ? "verified" : "not checked (no --checkpoint)");
          out.printf("  enclave: %s, measurement %s%s%n", r.enclave().platform(), r.enclave().measurement(),
              r.enclave().insecure() ? " — INSECURE dev enclave, not for patient data" : "");
          out.printf("  inputs: %d blob(s), %d instance digest(s); outputs: %d%n", r.inputs().size(),
              r.inputs().stream().mapToInt(i -> i.instances().size()).sum(), r.outputs().size());
          out.flush();
        }
        return SecaimedCli.EXIT_OK;
      } catch (ReceiptException e) {
        report.put("verified", false);
        // The library quotes its JSON parser; the report keeps the reason and the words, not the parser's internals.
        ErrorReport error = ErrorReport.of(e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException j
            ? new ReceiptException(e.reason(), file + ": not a receipt bundle: " + ErrorReport.json(j)) : e);
        if (json) JsonOutput.failed(out, error, report);
        else spec.commandLine().getErr().println("NOT VERIFIED: " + error.line());
        return SecaimedCli.EXIT_FAILED;
      }
    }
  }

}
