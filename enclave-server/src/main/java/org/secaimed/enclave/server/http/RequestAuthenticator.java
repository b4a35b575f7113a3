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
    byte[] body = ctx.bodyAsBytes();
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

  /** The exact body bytes the party signed (a covered call), or the body as read. */
  static byte[] body(Context ctx) {
    byte[] b = ctx.attribute(BODY);
    return b != null ? b : ctx.bodyAsBytes();
  }
}
