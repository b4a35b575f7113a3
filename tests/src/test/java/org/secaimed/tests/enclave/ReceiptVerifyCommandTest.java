package org.secaimed.tests.enclave;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.receipt.DsseEnvelope;
import org.secaimed.connector.receipt.ReceiptBundle;
import org.secaimed.connector.receipt.Receipts;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.tlog.Checkpoint;
import org.secaimed.connector.tlog.Ed25519;
import org.secaimed.connector.tlog.LogHashes;
import org.secaimed.connector.tlog.MerkleTree;
import org.secaimed.connector.tlog.SignedCheckpoints;
import org.secaimed.kaapana.cli.SecaimedCli;
import picocli.CommandLine;

/** {@code secaimed receipt verify}: exit codes, JSON shape, and the --checkpoint consistency path. */
class ReceiptVerifyCommandTest {
  @TempDir Path tmp;
  private final KeyPair key = Ed25519.generate();
  private final String origin = SignedCheckpoints.originFor(key.getPublic());

  private record Run(int exit, String out, String err) {}

  private static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine c = SecaimedCli.commandLine();
    c.setOut(new PrintWriter(out));
    c.setErr(new PrintWriter(err));
    int exit = c.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private String note(MerkleTree t, long size) {
    return SignedCheckpoints.sign(new Checkpoint(origin, size, t.root(size)), key.getPrivate(), key.getPublic());
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  @Test
  void verifiesOfflineAndFailsWithTheReasonWhenTamperedOrForked() throws Exception {
    TaskReceipt receipt = new TaskReceipt("task-" + "0".repeat(32), "segmentation",
        new TaskReceipt.Algorithm("ct-body-lungs-bone", "1.0.0", "sha256:" + "ab".repeat(32)),
        List.of(new TaskReceipt.Input("sha256:" + "11".repeat(32), Map.of("1.2.3", "22".repeat(32)))), Map.of(),
        new TaskReceipt.Enclave("software (INSECURE)", "33".repeat(32), true), new TaskReceipt.Attestation("44".repeat(32), "55".repeat(32)),
        "66".repeat(32), "2026-11-22T02:00:00Z", "2026-11-22T02:00:01Z", List.of(new TaskReceipt.Output("result.sealed", "77".repeat(32))));
    DsseEnvelope env = Receipts.sign(receipt, key.getPrivate(), key.getPublic());
    MerkleTree t = new MerkleTree();
    t.append(LogHashes.leafHash(new byte[] {1}));
    String earlier = note(t, 1);
    long index = t.append(LogHashes.leafHash(env.logLeafInput()));
    ReceiptBundle bundle = new ReceiptBundle(ReceiptBundle.FORMAT, env, b64(key.getPublic().getEncoded()), index, note(t, 2),
        t.inclusionProof(index, 2).stream().map(ReceiptVerifyCommandTest::b64).toList(),
        new ReceiptBundle.Consistency(earlier, t.consistencyProof(1, 2).stream().map(ReceiptVerifyCommandTest::b64).toList()), null);
    Path file = tmp.resolve("receipt.json");
    bundle.write(file);
    Path stored = tmp.resolve("stored.note");
    Files.writeString(stored, earlier, StandardCharsets.UTF_8);

    // Signature and proofs verify, but the bundle keeps no evidence: nothing ties the key to an enclave.
    Run ok = cli("receipt", "verify", file.toString(), "--checkpoint", stored.toString(), "--json");
    assertThat(ok.exit()).isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(ok.out().trim().lines()).hasSize(1);
    assertThat(ok.out()).contains("\"ok\":false", "\"code\":\"UNANCHORED\"", "\"status\":\"UNANCHORED\"", "\"consistencyChecked\":true", receipt.taskId());
    Run human = cli("receipt", "verify", file.toString());
    assertThat(human.out()).startsWith("UNANCHORED").doesNotContain("VERIFIED");

    Files.writeString(file, Files.readString(file).replace(env.payload(), env.payload().replace('A', 'B')));
    Run tampered = cli("receipt", "verify", file.toString(), "--json");
    assertThat(tampered.exit()).isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(tampered.out()).contains("\"verified\":false");

    bundle.write(file);
    MerkleTree fork = new MerkleTree();
    fork.append(LogHashes.leafHash(new byte[] {9}));
    Files.writeString(stored, note(fork, 1), StandardCharsets.UTF_8);
    Run forked = cli("receipt", "verify", file.toString(), "--checkpoint", stored.toString(), "--json");
    assertThat(forked.exit()).isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(forked.out()).contains("\"code\":\"LOG\"");
    assertThat(cli("receipt", "verify", file.toString(), "--policy", tmp.resolve("missing.yaml").toString()).exit())
        .isEqualTo(SecaimedCli.EXIT_FAILED);
    Files.writeString(tmp.resolve("bad.yaml"), "policyVersion: 1\nallowedFormats: [x]\n");
    assertThat(cli("receipt", "verify", file.toString(), "--policy", tmp.resolve("bad.yaml").toString()).exit())
        .isEqualTo(SecaimedCli.EXIT_USAGE);

    assertThat(cli("receipt", "verify").exit()).isEqualTo(SecaimedCli.EXIT_USAGE);
    Files.writeString(file, "{not json");
    assertThat(cli("receipt", "verify", file.toString()).exit()).isEqualTo(SecaimedCli.EXIT_FAILED);
  }
}
