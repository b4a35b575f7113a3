package org.secaimed.enclave.server.http;

import io.javalin.http.Context;
import org.secaimed.connector.party.RequestRefusedException;
import org.secaimed.connector.party.SignedRequests;

/**
 * Verifies the party signature of every call the protocol covers ({@link SignedRequests#covers})
 * before any handler runs, inside the enclave: the gateway in front of it is untrusted. The
 * verified party id and the exact body bytes it signed are left on the context for the handler.
 */
final class RequestAuthenticator {
  static final String PARTY = "secaimed.party";
  static final String BODY = "secaimed.body";

  private final SignedRequests.Verifier verifier;

  RequestAuthenticator(SignedRequests.Verifier verifier) {
    this.verifier = verifier;
  }

  void authenticate(Context ctx) {
    String method = ctx.method().name();
    String path = ctx.path();
    if (!SignedRequests.covers(method, path) || !path.startsWith("/v1/")) return;
    byte[] body;
    try {
      // Bounded even without a Content-Length (chunked): a signed call is a JSON call.
      body = ctx.bodyInputStream().readNBytes(GatewayRoutes.MAX_JSON_BYTES + 1);
    } catch (java.io.IOException e) {
      throw Problem.badRequest("the request body could not be read");
    }
    if (body.length > GatewayRoutes.MAX_JSON_BYTES) {
      throw new Problem("too-large", 413, "Request body too large", "JSON request bodies are limited to " + GatewayRoutes.MAX_JSON_BYTES + " bytes");
    }
    ctx.attribute(BODY, body);
    String target = ctx.queryString() == null ? path : path + "?" + ctx.queryString();
    try {
      ctx.attribute(PARTY, verifier.verify(method, target, body, ctx.header(SignedRequests.HEADER)).id());
    } catch (RequestRefusedException e) {
      throw Problem.refused(e);
    }
  }

  /** The verified party of a covered call. */
  static String party(Context ctx) {
    String p = ctx.attribute(PARTY);
    if (p == null) throw new IllegalStateException("route is not covered by request signatures");
    return p;
  }

  /** The exact body bytes the party signed (a covered call), or null for a call signatures do not cover. */
  static byte[] body(Context ctx) {
    return ctx.attribute(BODY);
  }
}
