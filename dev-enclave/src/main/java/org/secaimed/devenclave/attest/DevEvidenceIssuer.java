package org.secaimed.devenclave.attest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import org.secaimed.connector.attest.AttestedKeys;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.KeyBinding;
import org.secaimed.connector.tlog.Ed25519;
import org.secaimed.devenclave.keys.EnclaveKeys;

/**
 * Issues {@code dev} evidence (contracts.md): a JSON statement of the code measurement and the
 * report data binding the enclave keys to the client's nonce, signed by the self-asserted dev
 * attestation key. It proves integrity only; every evidence says {@code "insecure":true}.
 */
public final class DevEvidenceIssuer {
  public static final String PLATFORM = "software (INSECURE)";

  private final EnclaveKeys keys;
  private final String measurement;
  private final Clock clock;

  public DevEvidenceIssuer(EnclaveKeys keys, String measurement, Clock clock) {
    this.keys = keys;
    this.measurement = measurement;
    this.clock = clock;
  }

  public AttestedKeys attestedKeys() {
    return new AttestedKeys(keys.kem().suite().label(), keys.kem().publicKey().encoded(), "Ed25519",
        keys.signing().getPublic().getEncoded());
  }

  public Evidence issue(byte[] nonce) {
    byte[] reportData = KeyBinding.reportData(attestedKeys(), nonce);
    String json = "{\"type\":\"secaimed-dev-evidence-v1\",\"insecure\":true,\"platform\":\"" + PLATFORM + "\","
        + "\"measurement\":\"" + measurement + "\",\"reportData\":\"" + HexFormat.of().formatHex(reportData)
        + "\",\"issuedAt\":\"" + clock.instant() + "\"}";
    byte[] data = json.getBytes(StandardCharsets.UTF_8);
    byte[] sig = Ed25519.sign(keys.attestation().getPrivate(), data);
    return new Evidence("dev", data, List.of(keys.attestation().getPublic().getEncoded()), List.of(sig));
  }

  public String measurement() {
    return measurement;
  }
}
