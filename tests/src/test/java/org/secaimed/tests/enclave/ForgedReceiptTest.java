package org.secaimed.tests.enclave;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.attest.AttestedKeys;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceJson;
import org.secaimed.connector.attest.KeyBinding;
import org.secaimed.connector.receipt.AttestationRecord;
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

/**
 * Issue #10 item 9 (review M2): the audit's forged receipt. An attacker mints a fresh key, signs a
 * receipt claiming an AMD SEV-SNP enclave and builds a consistent one-entry log. Before the fix
 * {@code receipt verify} printed VERIFIED and exited 0.
 */
class ForgedReceiptTest {
  @TempDir Path tmp;
  private final KeyPair attacker = Ed25519.generate();

  private record Run(int exit, String out, String err) {}

  private static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine c = SecaimedCli.commandLine();
    c.setOut(new PrintWriter(out));
    c.setErr(new PrintWriter(err));
    return new Run(c.execute(args), out.toString(), err.toString());
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private Path forge(String evidenceDigest, AttestationRecord attestation) throws Exception {
    TaskReceipt receipt = new TaskReceipt("task-forged", "segmentation",
        new TaskReceipt.Algorithm("ct-body-lungs-bone", "1.0.0", "sha256:" + "ab".repeat(32)),
        List.of(new TaskReceipt.Input("sha256:" + "11".repeat(32), Map.of("1.2.3", "22".repeat(32)))), Map.of(),
        new TaskReceipt.Enclave("AMD SEV-SNP (Genoa)", "b07af962" + "00".repeat(44), false),
        new TaskReceipt.Attestation(evidenceDigest, "55".repeat(32)),
        "66".repeat(32), "2026-11-22T02:00:00Z", "2026-11-22T02:00:01Z", List.of(new TaskReceipt.Output("result.sealed", "77".repeat(32))));
    DsseEnvelope env = Receipts.sign(receipt, attacker.getPrivate(), attacker.getPublic());
    MerkleTree t = new MerkleTree();
    long index = t.append(LogHashes.leafHash(env.logLeafInput()));
    String note = SignedCheckpoints.sign(new Checkpoint(SignedCheckpoints.originFor(attacker.getPublic()), 1, t.root(1)),
        attacker.getPrivate(), attacker.getPublic());
    ReceiptBundle bundle = new ReceiptBundle(ReceiptBundle.FORMAT, env, b64(attacker.getPublic().getEncoded()), index, note,
        t.inclusionProof(index, 1).stream().map(ForgedReceiptTest::b64).toList(), null, attestation);
    Path file = tmp.resolve("forged-" + System.nanoTime() + ".json");
    bundle.write(file);
    return file;
  }

  private Path productionPolicy() throws Exception {
    Path p = tmp.resolve("production.yaml");
    try (var in = getClass().getClassLoader().getResourceAsStream("policies/production-example.yaml")) {
      Files.write(p, in.readAllBytes());
    }
    return p;
  }

  @Test
  void forgedReceiptWithoutEvidenceIsUnanchored() throws Exception {
    Path file = forge("44".repeat(32), null);
    Run human = cli("receipt", "verify", file.toString());
    assertThat(human.exit()).isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(human.out()).startsWith("UNANCHORED").doesNotContain("VERIFIED");
    Run withPolicy = cli("receipt", "verify", file.toString(), "--policy", productionPolicy().toString(), "--json");
    assertThat(withPolicy.exit()).isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(withPolicy.out()).contains("\"status\":\"UNANCHORED\"", "\"verified\":false");
  }

  @Test
  void forgedReceiptWithSelfMadeEvidenceIsRefusedUnderTheProductionPolicy() throws Exception {
    // The attacker binds his own keys in software "dev" evidence signed by a key of his choosing.
    byte[] nonce = new byte[32];
    AttestedKeys keys = new AttestedKeys("xwing-sha256-aes256gcm", new byte[1216], "Ed25519", attacker.getPublic().getEncoded());
    String json = "{\"type\":\"secaimed-dev-evidence-v1\",\"insecure\":true,\"platform\":\"software (INSECURE)\",\"measurement\":\""
        + "ab".repeat(32) + "\",\"reportData\":\"" + HexFormat.of().formatHex(KeyBinding.reportData(keys, nonce))
        + "\",\"issuedAt\":\"2026-11-22T01:59:00Z\"}";
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(attacker.getPrivate());
    s.update(json.getBytes(StandardCharsets.UTF_8));
    Evidence ev = new Evidence("dev", json.getBytes(StandardCharsets.UTF_8), List.of(attacker.getPublic().getEncoded()), List.of(s.sign()));
    JsonNode evJson = EvidenceJson.toJson(ev);
    AttestationRecord rec = new AttestationRecord("2026-11-22T02:00:00Z", b64(nonce),
        new AttestationRecord.Keys(keys.kemSuite(), b64(keys.kemPublicKey()), keys.signingAlg(), b64(keys.signingPublicKey())), List.of(evJson));
    Path file = forge(org.secaimed.connector.attest.EnclaveAttestation.evidenceDigest(List.of(ev)), rec);
    Run r = cli("receipt", "verify", file.toString(), "--policy", productionPolicy().toString(), "--json");
    assertThat(r.exit()).isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(r.out()).contains("\"code\":\"ATTESTATION\"", "policy.format-allowed").doesNotContain("\"verified\":true");
  }
}
