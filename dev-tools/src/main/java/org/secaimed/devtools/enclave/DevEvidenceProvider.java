package org.secaimed.devtools.enclave;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.tlog.Ed25519;
import org.secaimed.enclave.server.attest.EvidenceProvider;
import org.secaimed.enclave.server.keys.EnclaveKeys;

/**
 * Issues {@code dev} evidence (contracts.md): a JSON statement of the code measurement and the
 * report data binding the enclave keys to the client's nonce, signed by the self-asserted dev
 * attestation key. It proves integrity only; every evidence says {@code "insecure":true}.
 */
public final class DevEvidenceProvider implements EvidenceProvider {
  public static final String NAME = "dev";
  public static final String PLATFORM = "software (INSECURE)";

  private final KeyPair attestation;
  private final String measurement;
  private final Clock clock;

  public DevEvidenceProvider(KeyPair attestation, String measurement, Clock clock) {
    this.attestation = attestation;
    this.measurement = measurement;
    this.clock = clock;
  }

  /** The dev attestation key is kept next to the server's keys, in {@code <state>/keys/attestation.*}. */
  public static DevEvidenceProvider loadOrCreate(Path keysDir, String measurement, Clock clock) throws IOException {
    return new DevEvidenceProvider(EnclaveKeys.ed25519(keysDir, "attestation"), measurement, clock);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Evidence issue(byte[] reportData) {
    if (reportData.length != REPORT_DATA_BYTES) throw new IllegalArgumentException("report data must be " + REPORT_DATA_BYTES + " bytes");
    String json = "{\"type\":\"secaimed-dev-evidence-v1\",\"insecure\":true,\"platform\":\"" + PLATFORM + "\","
        + "\"measurement\":\"" + measurement + "\",\"reportData\":\"" + HexFormat.of().formatHex(reportData)
        + "\",\"issuedAt\":\"" + clock.instant() + "\"}";
    byte[] data = json.getBytes(StandardCharsets.UTF_8);
    byte[] sig = Ed25519.sign(attestation.getPrivate(), data);
    return new Evidence("dev", data, List.of(attestation.getPublic().getEncoded()), List.of(sig));
  }

  @Override
  public TaskReceipt.Enclave enclave() {
    return new TaskReceipt.Enclave(PLATFORM, measurement, true);
  }

  public String measurement() {
    return measurement;
  }
}
