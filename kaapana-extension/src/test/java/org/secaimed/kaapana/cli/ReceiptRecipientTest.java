package org.secaimed.kaapana.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.seal.KemKeys;
import org.secaimed.connector.tlog.Checkpoint;
import org.secaimed.connector.tlog.Ed25519;
import org.secaimed.connector.tlog.LogHashes;
import org.secaimed.connector.tlog.MerkleTree;
import org.secaimed.connector.tlog.SignedCheckpoints;
import picocli.CommandLine;

/**
 * Issue #10 (review M2, last point): {@code receipt verify --site-key} refuses a receipt whose
 * results were sealed to a key that is not the site's, however genuine its signature and proofs.
 */
class ReceiptRecipientTest {
  @TempDir Path tmp;

  static JsonNode run(int expectedExit, String... args) throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cli = SecaimedCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(new StringWriter()));
    assertThat(cli.execute(args)).isEqualTo(expectedExit);
    return JsonOutput.mapper().readTree(out.toString().strip());
  }

  Path bundle(String recipientKeyId) throws Exception {
    KeyPair key = Ed25519.generate();
    String origin = SignedCheckpoints.originFor(key.getPublic());
    TaskReceipt receipt = new TaskReceipt("task-" + "0".repeat(32), "segmentation",
        new TaskReceipt.Algorithm("ct-body-lungs-bone", "1.0.0", "sha256:" + "ab".repeat(32)),
        List.of(new TaskReceipt.Input("sha256:" + "11".repeat(32), Map.of("1.2.3", "22".repeat(32)))), Map.of(),
        new TaskReceipt.Enclave("software (INSECURE)", "33".repeat(32), true), new TaskReceipt.Attestation("44".repeat(32), "55".repeat(32)),
        recipientKeyId, "2026-11-22T02:00:00Z", "2026-11-22T02:00:01Z", List.of(new TaskReceipt.Output("result.sealed", "77".repeat(32))));
    DsseEnvelope env = Receipts.sign(receipt, key.getPrivate(), key.getPublic());
    MerkleTree t = new MerkleTree();
    long index = t.append(LogHashes.leafHash(env.logLeafInput()));
    String note = SignedCheckpoints.sign(new Checkpoint(origin, 1, t.root(1)), key.getPrivate(), key.getPublic());
    ReceiptBundle b = new ReceiptBundle(ReceiptBundle.FORMAT, env, Base64.getEncoder().encodeToString(key.getPublic().getEncoded()), index, note,
        t.inclusionProof(index, 1).stream().map(p -> Base64.getEncoder().encodeToString(p)).toList(), null, null);
    Path file = tmp.resolve("receipt-" + recipientKeyId.substring(0, 8) + ".json");
    b.write(file);
    return file;
  }

  @Test
  void aReceiptForAnotherRecipientIsRefusedWhenTheSiteKeyIsGiven() throws Exception {
    KemKeyPair site = KemKeyPair.generate(HpkeSuite.DEFAULT);
    KemKeyPair other = KemKeyPair.generate(HpkeSuite.DEFAULT);
    Path sitePub = tmp.resolve("site.pub.json");
    KemKeys.writePublicKey(sitePub, site.publicKey());

    JsonNode refused = run(SecaimedCli.EXIT_FAILED, "receipt", "verify", bundle(other.publicKey().keyId()).toString(), "--site-key", sitePub.toString(), "--json");
    assertThat(refused.path("error").path("code").asText()).isEqualTo("RECIPIENT_NOT_SITE");
    assertThat(refused.path("recipientIsSiteKey").asBoolean()).isFalse();

    // The site's own receipt passes this check (and, keeping no evidence, is still UNANCHORED).
    JsonNode own = run(SecaimedCli.EXIT_FAILED, "receipt", "verify", bundle(site.publicKey().keyId()).toString(), "--site-key", sitePub.toString(), "--json");
    assertThat(own.path("error").path("code").asText()).isEqualTo("UNANCHORED");
    assertThat(own.path("recipientIsSiteKey").asBoolean()).isTrue();
  }
}
