package org.secaimed.connector.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.tlog.Checkpoint;
import org.secaimed.connector.tlog.Ed25519;
import org.secaimed.connector.tlog.LogHashes;
import org.secaimed.connector.tlog.MerkleTree;
import org.secaimed.connector.tlog.SignedCheckpoints;

class ReceiptVerifierTest {
  private final KeyPair key = Ed25519.generate();
  private final String origin = SignedCheckpoints.originFor(key.getPublic());
  private final TaskReceipt.Algorithm alg = new TaskReceipt.Algorithm("ct-body-lungs-bone", "1.0.0", "sha256:" + "ab".repeat(32));

  private TaskReceipt receipt(String taskId) {
    return new TaskReceipt(taskId, "segmentation", alg,
        List.of(new TaskReceipt.Input("sha256:" + "11".repeat(32), Map.of("1.2.3.4", "22".repeat(32)))),
        Map.of("threshold", "-300"), new TaskReceipt.Enclave("software (INSECURE)", "33".repeat(32), true),
        new TaskReceipt.Attestation("44".repeat(32), "55".repeat(32)), "66".repeat(32),
        "2026-11-22T02:00:00Z", "2026-11-22T02:00:05Z",
        List.of(new TaskReceipt.Output("result.sealed", "77".repeat(32)), new TaskReceipt.Output("result", "88".repeat(32))));
  }

  private ExpectedTask expected(String taskId) {
    return new ExpectedTask(taskId, "segmentation", alg, List.of("sha256:" + "11".repeat(32)),
        Map.of("sha256:" + "11".repeat(32), Map.of("1.2.3.4", "22".repeat(32))), Map.of("threshold", "-300"), "66".repeat(32),
        new TaskReceipt.Attestation("44".repeat(32), "55".repeat(32)), "33".repeat(32), "77".repeat(32));
  }

  /** A log with some other entries, our receipt at index 3, and two later entries. */
  private record Logged(ReceiptBundle bundle, String earlierNote, MerkleTree tree) {}

  private Logged logged(DsseEnvelope env) throws Exception {
    MerkleTree t = new MerkleTree();
    for (int i = 0; i < 3; i++) t.append(LogHashes.leafHash(new byte[] {(byte) i}));
    String earlier = note(t, t.size());
    long index = t.append(LogHashes.leafHash(env.logLeafInput()));
    t.append(LogHashes.leafHash(new byte[] {9}));
    t.append(LogHashes.leafHash(new byte[] {10}));
    ReceiptBundle b = new ReceiptBundle(ReceiptBundle.FORMAT, env, b64(key.getPublic().getEncoded()), index, note(t, t.size()),
        t.inclusionProof(index, t.size()).stream().map(ReceiptVerifierTest::b64).toList(),
        new ReceiptBundle.Consistency(earlier, t.consistencyProof(3, t.size()).stream().map(ReceiptVerifierTest::b64).toList()), null);
    return new Logged(b, earlier, t);
  }

  private String note(MerkleTree t, long size) {
    return SignedCheckpoints.sign(new Checkpoint(origin, size, t.root(size)), key.getPrivate(), key.getPublic());
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  @Test
  void verifiesSignatureInclusionConsistencyAndContents(@TempDir Path dir) throws Exception {
    DsseEnvelope env = Receipts.sign(receipt("task-1"), key.getPrivate(), key.getPublic());
    Logged l = logged(env);
    l.bundle().write(dir.resolve("r.json"));
    ReceiptVerifier.Verified v = ReceiptVerifier.verify(ReceiptBundle.read(dir.resolve("r.json")), l.earlierNote());
    assertThat(v.consistencyChecked()).isTrue();
    assertThat(v.checkpoint().size()).isEqualTo(6);
    expected("task-1").requireMatchedBy(v.receipt());
    assertThat(v.receipt()).isEqualTo(receipt("task-1"));
  }

  @Test
  void rejectsATamperedPayloadOrAnotherKey() throws Exception {
    DsseEnvelope env = Receipts.sign(receipt("task-1"), key.getPrivate(), key.getPublic());
    String json = new String(env.payloadBytes(), StandardCharsets.UTF_8).replace("-300", "-200");
    DsseEnvelope tampered = new DsseEnvelope(env.payloadType(), b64(json.getBytes(StandardCharsets.UTF_8)), env.signatures());
    assertThatThrownBy(() -> Receipts.open(tampered, key.getPublic()))
        .isInstanceOfSatisfying(ReceiptException.class, e -> assertThat(e.reason()).isEqualTo(ReceiptException.Reason.SIGNATURE));
    assertThatThrownBy(() -> Receipts.open(env, Ed25519.generate().getPublic()))
        .isInstanceOfSatisfying(ReceiptException.class, e -> assertThat(e.reason()).isEqualTo(ReceiptException.Reason.SIGNATURE));
  }

  @Test
  void rejectsAReceiptForAnotherTaskOrOtherOutputs() throws Exception {
    TaskReceipt other = Receipts.open(Receipts.sign(receipt("task-2"), key.getPrivate(), key.getPublic()), key.getPublic());
    assertThatThrownBy(() -> expected("task-1").requireMatchedBy(other)).hasMessageContaining("taskId");
    ExpectedTask wrongResult = new ExpectedTask("task-1", "segmentation", alg, List.of("sha256:" + "11".repeat(32)), Map.of(),
        Map.of("threshold", "-300"), "66".repeat(32), new TaskReceipt.Attestation("44".repeat(32), "55".repeat(32)), null, "99".repeat(32));
    assertThatThrownBy(() -> wrongResult.requireMatchedBy(receipt("task-1"))).hasMessageContaining("result.sealed");
  }

  @Test
  void rejectsAReceiptNotInTheLogOrAForkedLog() throws Exception {
    DsseEnvelope env = Receipts.sign(receipt("task-1"), key.getPrivate(), key.getPublic());
    Logged l = logged(env);
    ReceiptBundle b = l.bundle();
    ReceiptBundle wrongIndex = new ReceiptBundle(b.format(), env, b.signingPublicKey(), 2, b.checkpoint(), b.inclusionProof(), b.consistency(), null);
    assertThatThrownBy(() -> ReceiptVerifier.verify(wrongIndex, null))
        .isInstanceOfSatisfying(ReceiptException.class, e -> assertThat(e.reason()).isEqualTo(ReceiptException.Reason.LOG));
    // The site once stored a checkpoint of a different history of size 3.
    MerkleTree fork = new MerkleTree();
    for (int i = 0; i < 3; i++) fork.append(LogHashes.leafHash(new byte[] {(byte) (i + 50)}));
    assertThatThrownBy(() -> ReceiptVerifier.verify(b, note(fork, 3))).hasMessageContaining("forked");
    // A checkpoint signed by another key is not this log's.
    KeyPair other = Ed25519.generate();
    String foreign = SignedCheckpoints.sign(new Checkpoint(origin, 6, l.tree().root()), other.getPrivate(), other.getPublic());
    ReceiptBundle foreignCp = new ReceiptBundle(b.format(), env, b.signingPublicKey(), b.leafIndex(), foreign, b.inclusionProof(), null, null);
    assertThatThrownBy(() -> ReceiptVerifier.verify(foreignCp, null)).hasMessageContaining("no signature");
  }
}
