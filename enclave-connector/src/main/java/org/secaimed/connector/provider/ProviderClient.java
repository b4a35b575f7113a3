package org.secaimed.connector.provider;

import org.secaimed.connector.SecaimedFailure;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.secaimed.connector.gateway.AttestedEnclave;
import org.secaimed.connector.party.PartyKey;
import org.secaimed.connector.party.SignedRequests;
import org.secaimed.connector.receipt.DsseEnvelope;
import org.secaimed.connector.receipt.Receipts;

/**
 * The provider's side of its gateway calls: publish a packaged bundle, fetch the usage report of a
 * licence, revoke it. Every request is signed with the provider's party key for the attested
 * enclave (protocol v2's signed-request envelope); the answers are checked by the caller
 * ({@link LicenceAudit}). Refusals come back as {@link ProviderCallException} with the problem type.
 */
public final class ProviderClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType JSON_TYPE = MediaType.get("application/json");
  private final OkHttpClient http = new OkHttpClient();
  private final String baseUrl;
  private final PartyKey provider;
  private final AttestedEnclave enclave;
  private final Clock clock;

  /** A refused or failed call: the RFC 9457 problem type's last segment (e.g. {@code not-licence-owner}) and detail. */
  public static final class ProviderCallException extends IOException implements SecaimedFailure {
    @Override
    public String code() {
      return "PROVIDER_CALL_FAILED";
    }

    private static final long serialVersionUID = 1L;
    private final String problem;

    ProviderCallException(String problem, String detail) {
      super(problem + ": " + detail);
      this.problem = problem;
    }

    public String problem() {
      return problem;
    }
  }

  public ProviderClient(String baseUrl, PartyKey provider, AttestedEnclave enclave, Clock clock) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.provider = provider;
    this.enclave = enclave;
    this.clock = clock;
  }

  /** Publishes a sealed bundle with its signed licence; returns the gateway's answer (licence digest, model). */
  public JsonNode publish(SignedLicence licence, byte[] sealedBundle) throws IOException {
    var body = JSON.createObjectNode();
    body.set("licence", JSON.valueToTree(licence));
    body.put("bundle", Base64.getEncoder().encodeToString(sealedBundle));
    return call("POST", "/v1/provider/models", JSON.writeValueAsBytes(body));
  }

  /** The licence's entries with inclusion proofs; verify with {@link LicenceAudit#verify}. */
  public LicenceAudit.Report usage(String licenceDigest) throws IOException {
    JsonNode n = call("GET", "/v1/provider/licences/" + licenceDigest + "/usage", null);
    List<LicenceAudit.Item> items = new ArrayList<>();
    for (JsonNode e : n.path("entries")) {
      List<byte[]> proof = new ArrayList<>();
      for (JsonNode h : e.path("inclusionProof")) proof.add(Base64.getDecoder().decode(h.asText()));
      items.add(new LicenceAudit.Item(JSON.treeToValue(e.get("envelope"), DsseEnvelope.class), e.path("leafIndex").asLong(), proof));
    }
    return new LicenceAudit.Report(n.path("licenceDigest").asText(), n.path("checkpoint").asText(), items);
  }

  /** A verified usage report and the signed checkpoint it was proven against (store it for the next audit). */
  public record Audited(LicenceAudit.Verified verified, String checkpoint) {}

  /**
   * Fetches the licence's usage and verifies it ({@link LicenceAudit#verify}) under the attested
   * enclave key; with {@code storedCheckpoint} (the one the provider kept last time, or null) also
   * fetches and checks the consistency proof that the log only grew since.
   */
  public Audited verifiedUsage(String licenceDigest, String storedCheckpoint) throws IOException, org.secaimed.connector.tlog.LogProofException {
    LicenceAudit.Report report = usage(licenceDigest);
    List<byte[]> proof = List.of();
    if (storedCheckpoint != null) {
      String origin = org.secaimed.connector.tlog.SignedCheckpoints.originFor(enclave.signingKey());
      long from = org.secaimed.connector.tlog.SignedCheckpoints.open(storedCheckpoint, origin, enclave.signingKey()).size();
      long to = org.secaimed.connector.tlog.SignedCheckpoints.open(report.checkpoint(), origin, enclave.signingKey()).size();
      if (from > 0 && from < to) proof = consistencyProof(from, to);
    }
    return new Audited(LicenceAudit.verify(report, enclave.signingKey(), storedCheckpoint, proof), report.checkpoint());
  }

  /** Revokes the licence; returns the log index of the {@code licence-revoke} entry. */
  public long revoke(String licenceDigest) throws IOException {
    return call("POST", "/v1/provider/licences/" + licenceDigest + "/revoke", new byte[0]).path("leafIndex").asLong();
  }

  /** A consistency proof between two log sizes (unsigned log route). */
  public List<byte[]> consistencyProof(long from, long to) throws IOException {
    JsonNode n = call("GET", "/v1/log/proof/consistency?fromSize=" + from + "&toSize=" + to, null);
    List<byte[]> proof = new ArrayList<>();
    for (JsonNode h : n.path("hashes")) proof.add(Base64.getDecoder().decode(h.asText()));
    return proof;
  }

  private JsonNode call(String method, String path, byte[] body) throws IOException {
    String header = SignedRequests.sign(provider, method, path, body == null ? new byte[0] : body, Receipts.keyId(enclave.signingKey()), clock.instant());
    Request.Builder b = new Request.Builder().url(baseUrl + path).header(SignedRequests.HEADER, header);
    b.method(method, body == null ? null : RequestBody.create(body, JSON_TYPE));
    try (Response r = http.newCall(b.build()).execute()) {
      byte[] bytes = r.body().bytes();
      JsonNode n = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
      if (!r.isSuccessful()) {
        String type = n.path("type").asText("http-" + r.code());
        throw new ProviderCallException(type.substring(type.lastIndexOf('/') + 1), n.path("detail").asText(r.message()));
      }
      return n;
    }
  }
}
