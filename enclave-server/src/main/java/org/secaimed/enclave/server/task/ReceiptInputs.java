package org.secaimed.enclave.server.task;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secaimed.connector.receipt.InstanceCommitments;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.enclave.server.algorithms.TaskOutcome;
import org.secaimed.enclave.server.usage.InputPolicies;
import org.secaimed.enclave.server.usage.UsageGate;

/**
 * The receipt's inputs under protocol v2: per input the owner, the usage policy digest, the
 * decision, the logged use number and the policy's maximum, and a commitment to the instances
 * keyed by the owner's key for that blob — never the SOP Instance UIDs beside their digests.
 */
final class ReceiptInputs {
  private ReceiptInputs() {}

  static List<TaskReceipt.Input> of(List<UsageGate.Admitted> admitted, TaskOutcome outcome, KemKeyPair enclaveKem) throws IOException {
    List<TaskReceipt.Input> out = new ArrayList<>();
    for (int i = 0; i < admitted.size(); i++) {
      UsageGate.Admitted a = admitted.get(i);
      Map<String, String> instances = new LinkedHashMap<>();
      if (i < outcome.inputInstances().size()) outcome.inputInstances().get(i).forEach(r -> instances.put(r.sopInstanceUid(), r.sha256()));
      byte[] k = InputPolicies.commitmentKey(a.input(), enclaveKem);
      String commitment;
      try {
        commitment = InstanceCommitments.commit(k, instances);
      } finally {
        Arrays.fill(k, (byte) 0);
      }
      out.add(new TaskReceipt.Input(a.input().blobId(), Map.of(), a.use().owner(), a.use().policyDigest(), "allowed",
          a.use().useNumber(), a.use().maxUses(), commitment, instances.size()));
    }
    return out;
  }
}
