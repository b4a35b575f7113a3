package org.secaimed.connector.tlog.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.secaimed.connector.receipt.DsseEnvelope;
import org.secaimed.connector.receipt.ReceiptException;
import org.secaimed.connector.receipt.Receipts;
import org.secaimed.connector.tlog.Ed25519;
import org.secaimed.connector.tlog.LogProofException;
import org.secaimed.connector.tlog.MerkleProofs;
import org.secaimed.connector.tlog.SignedCheckpoints;

/**
 * Jazzer targets for what the gateway hands the site about the log and the receipts: signed
 * checkpoint notes, Merkle inclusion/consistency proofs and DSSE receipt envelopes. Every input
 * verifies or is refused with the typed exception. {@code scripts/fuzz} fuzzes each for its maxDuration.
 */
class LogAndReceiptFormatsFuzzTest {
  private static final KeyPair KEY = Ed25519.generate();
  private static final String ORIGIN = SignedCheckpoints.originFor(KEY.getPublic());

  @FuzzTest(maxDuration = "60s")
  void checkpointNote(byte[] data) {
    try {
      SignedCheckpoints.open(new String(data, StandardCharsets.UTF_8), ORIGIN, KEY.getPublic());
    } catch (LogProofException expected) {
      // typed refusal is the contract
    }
  }

  @FuzzTest(maxDuration = "60s")
  void merkleProofs(FuzzedDataProvider in) {
    long a = in.consumeLong(), b = in.consumeLong();
    byte[] x = in.consumeBytes(32), y = in.consumeBytes(32);
    List<byte[]> proof = new ArrayList<>();
    int n = in.consumeInt(0, 70);
    for (int i = 0; i < n; i++) proof.add(in.consumeBytes(33));
    try {
      MerkleProofs.verifyInclusion(x, a, b, proof, y);
    } catch (LogProofException expected) {
      // typed refusal is the contract
    }
    try {
      MerkleProofs.verifyConsistency(a, b, x, y, proof);
    } catch (LogProofException expected) {
      // typed refusal is the contract
    }
  }

  @FuzzTest(maxDuration = "60s")
  void dsseReceipt(byte[] data) {
    DsseEnvelope envelope;
    try {
      envelope = Receipts.json().readValue(data, DsseEnvelope.class);
    } catch (java.io.IOException expected) {
      return; // not JSON of the envelope's shape
    }
    if (envelope == null) return;
    try {
      Receipts.open(envelope, KEY.getPublic());
    } catch (ReceiptException expected) {
      // typed refusal is the contract
    }
  }
}
