package org.secaimed.enclave.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Base64;
import org.secaimed.connector.party.RequestRefusedException;
import org.secaimed.connector.party.SignedRequests;
import org.secaimed.connector.provider.LicenceAudit;
import org.secaimed.connector.provider.SignedLicence;
import org.secaimed.connector.provider.UsageLicence;
import org.secaimed.enclave.server.provider.LicenceLedger;
import org.secaimed.enclave.server.provider.ProviderModelStore;

/**
 * The algorithm provider's calls (docs/gateway-protocol.md, "Algorithm providers"), each a signed
 * request (protocol v2's {@code Secaimed-Signature}) whose signer must be the licence's provider:
 * <ul>
 *   <li>{@code POST /v1/provider/models} {@code {licence: SignedLicence, bundle: base64 sealed bundle}} — publish;
 *   <li>{@code GET /v1/provider/licences/{digest}/usage} — every entry of the licence with inclusion
 *       proofs at a signed checkpoint (only the provider: it names the sites that used the model);
 *   <li>{@code POST /v1/provider/licences/{digest}/revoke} — appends a {@code licence-revoke} entry.
 * </ul>
 */
public final class ProviderRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ProviderModelStore store;
  private final LicenceLedger ledger;
  private final SignedRequests.Verifier verifier;
  private final Clock clock;

  public ProviderRoutes(ProviderModelStore store, LicenceLedger ledger, SignedRequests.Verifier verifier, Clock clock) {
    this.store = store;
    this.ledger = ledger;
    this.verifier = verifier;
    this.clock = clock;
  }

  public void register(Javalin app) {
    app.post("/v1/provider/models", this::publish);
    app.get("/v1/provider/licences/{digest}/usage", this::usage);
    app.post("/v1/provider/licences/{digest}/revoke", this::revoke);
  }

  private void publish(Context ctx) throws Exception {
    byte[] body = RequestAuthenticator.body(ctx);
    String signer = signer(ctx, body);
    JsonNode n = JSON.readTree(body);
    JsonNode l = n == null ? null : n.get("licence");
    if (l == null || !n.path("bundle").isTextual()) throw Problem.badRequest("body must be {licence: {licence, providerKey, signature}, bundle: base64}");
    SignedLicence signed = new SignedLicence(l.path("licence").asText(null), l.path("providerKey").asText(null), l.path("signature").asText(null));
    byte[] bundle;
    try {
      bundle = Base64.getDecoder().decode(n.get("bundle").asText());
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("bundle is not base64");
    }
    UsageLicence licence = refusing(() -> signed.verify());
    requireProvider(signer, licence);
    refusing(() -> store.publish(signed, bundle));
    ObjectNode out = JSON.createObjectNode();
    out.put("licenceDigest", licence.digest());
    out.putObject("model").put("id", licence.model().id()).put("version", licence.model().version()).put("digest", licence.model().digest());
    out.put("provider", licence.provider());
    ctx.status(201).contentType("application/json").result(out.toString());
  }

  private void usage(Context ctx) throws Exception {
    String digest = digest(ctx);
    requireProvider(signer(ctx, new byte[0]), refusing(() -> store.licence(digest)));
    LicenceAudit.Report r = ledger.report(digest);
    ObjectNode out = JSON.createObjectNode();
    out.put("licenceDigest", r.licenceDigest());
    out.put("checkpoint", r.checkpoint());
    ArrayNode entries = out.putArray("entries");
    for (LicenceAudit.Item it : r.entries()) {
      ObjectNode e = entries.addObject();
      e.set("envelope", JSON.valueToTree(it.envelope()));
      e.put("leafIndex", it.leafIndex());
      ArrayNode proof = e.putArray("inclusionProof");
      for (byte[] h : it.inclusionProof()) proof.add(Base64.getEncoder().encodeToString(h));
    }
    ctx.status(200).contentType("application/json").result(out.toString());
  }

  private void revoke(Context ctx) throws Exception {
    String digest = digest(ctx);
    requireProvider(signer(ctx, RequestAuthenticator.body(ctx)), refusing(() -> store.licence(digest)));
    long index = ledger.revoke(digest, clock.instant());
    ctx.status(200).contentType("application/json").result(JSON.createObjectNode().put("leafIndex", index).toString());
  }

  /**
   * The verified signer: the gateway's authenticator already verified (and spent the nonce of)
   * every call the protocol covers; calls it does not cover (the usage read) are verified here.
   */
  private String signer(Context ctx, byte[] body) {
    if (ctx.attribute(RequestAuthenticator.PARTY) != null) return RequestAuthenticator.party(ctx);
    String path = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
    return refusing(() -> verifier.verify(ctx.method().name(), path, body, ctx.header(SignedRequests.HEADER))).id();
  }

  private static void requireProvider(String signer, UsageLicence licence) {
    if (!signer.equals(licence.provider())) {
      throw Problem.refused(new RequestRefusedException(RequestRefusedException.Rule.NOT_LICENCE_OWNER,
          "only the provider who signed the licence may do this"));
    }
  }

  private static String digest(Context ctx) {
    String d = ctx.pathParam("digest");
    if (!d.matches("[0-9a-f]{64}")) throw Problem.badRequest("a licence digest is 64 hex digits");
    return d;
  }

  private interface Refusable<T> {
    T get() throws Exception;
  }

  /** Maps a refusal to its RFC 9457 problem (type = the rule's slug). */
  private static <T> T refusing(Refusable<T> call) {
    try {
      return call.get();
    } catch (RequestRefusedException e) {
      throw Problem.refused(e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
