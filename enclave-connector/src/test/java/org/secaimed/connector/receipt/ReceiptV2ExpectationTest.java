package org.secaimed.connector.receipt;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;

/** Protocol v2 receipts: no UID list, the owner's commitment, policy digest, decision and count. */
class ReceiptV2ExpectationTest {
  static final String BLOB = "sha256:" + "11".repeat(32);
  static final String OTHER_BLOB = "sha256:" + "99".repeat(32);
  final KemKeyPair site = KemKeyPair.generate(HpkeSuite.X25519);
  final String me = "ab".repeat(32);
  final Map<String, String> manifest = Map.of("1.2.3.4", "22".repeat(32), "1.2.3.5", "23".repeat(32));
  final TaskReceipt.Algorithm alg = new TaskReceipt.Algorithm("ct-body-lungs-bone", "1.0.0", "sha256:" + "ab".repeat(32));

  TaskReceipt receipt(TaskReceipt.Input... inputs) {
    return new TaskReceipt("task-1", "training", alg, List.of(inputs), Map.of(), new TaskReceipt.Enclave("dev", "33".repeat(32), true),
        null, "66".repeat(32), "a", "b", List.of(new TaskReceipt.Output("result.sealed", "77".repeat(32))));
  }

  ExpectedTask expected(List<String> blobs) {
    return new ExpectedTask("task-1", "training", alg, blobs, Map.of(BLOB, manifest), Map.of(), "66".repeat(32), null, null, "77".repeat(32),
        new ExpectedTask.Owner(me, b -> InstanceCommitments.key(site, b)));
  }

  TaskReceipt.Input mine(String commitment) {
    return new TaskReceipt.Input(BLOB, Map.of(), me, "cd".repeat(32), "allowed", 1L, 3, commitment);
  }

  @Test
  void theOwnerVerifiesItsInputsByCommitmentAndSeesOnlyCommitmentsOfOthers() {
    String c = InstanceCommitments.commit(InstanceCommitments.key(site, BLOB), manifest);
    TaskReceipt.Input other = new TaskReceipt.Input(OTHER_BLOB, Map.of(), "ef".repeat(32), "01".repeat(32), "allowed", 2L, 5, "02".repeat(32));
    assertThatCode(() -> expected(List.of(BLOB, OTHER_BLOB)).requireMatchedBy(receipt(mine(c), other))).doesNotThrowAnyException();
  }

  @Test
  void aWrongCommitmentAUidListOrAnotherOwnerIsRefused() {
    String c = InstanceCommitments.commit(InstanceCommitments.key(site, BLOB), manifest);
    String wrong = InstanceCommitments.commit(InstanceCommitments.key(site, BLOB), Map.of("1.2.3.4", "22".repeat(32)));
    assertThatThrownBy(() -> expected(List.of(BLOB)).requireMatchedBy(receipt(mine(wrong)))).hasMessageContaining("instancesCommitment");
    TaskReceipt.Input leaky = new TaskReceipt.Input(BLOB, manifest, me, "cd".repeat(32), "allowed", 1L, 3, c);
    assertThatThrownBy(() -> expected(List.of(BLOB)).requireMatchedBy(receipt(leaky))).hasMessageContaining("instance UIDs");
    TaskReceipt.Input stolen = new TaskReceipt.Input(BLOB, Map.of(), "ef".repeat(32), "cd".repeat(32), "allowed", 1L, 3, c);
    assertThatThrownBy(() -> expected(List.of(BLOB)).requireMatchedBy(receipt(stolen))).hasMessageContaining("owner");
    TaskReceipt.Input overUsed = new TaskReceipt.Input(BLOB, Map.of(), me, "cd".repeat(32), "allowed", 4L, 3, c);
    assertThatThrownBy(() -> expected(List.of(BLOB)).requireMatchedBy(receipt(overUsed))).hasMessageContaining("use count");
  }

  @Test
  void theCommitmentKeyIsPerSiteAndPerBlob() {
    String a = InstanceCommitments.commit(InstanceCommitments.key(site, BLOB), manifest);
    String otherBlob = InstanceCommitments.commit(InstanceCommitments.key(site, OTHER_BLOB), manifest);
    String otherSite = InstanceCommitments.commit(InstanceCommitments.key(KemKeyPair.generate(HpkeSuite.X25519), BLOB), manifest);
    org.assertj.core.api.Assertions.assertThat(List.of(otherBlob, otherSite)).doesNotContain(a);
  }
}
