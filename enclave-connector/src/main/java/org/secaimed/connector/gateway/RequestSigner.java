package org.secaimed.connector.gateway;

import java.io.IOException;
import java.time.Clock;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import org.secaimed.connector.party.PartyKey;
import org.secaimed.connector.party.SignedRequests;

/**
 * Signs each request the enclave must attribute to this site (docs/gateway-protocol.md, "Signed
 * requests") with the site's party key, for the attested enclave. It sits below the retry
 * interceptor, so every attempt carries a fresh nonce. Unsigned: attestation, part uploads,
 * the catalogue and log reads. Until {@link #use} is called (after attestation) nothing is signed.
 */
public final class RequestSigner implements Interceptor {
  private final HttpUrl base;
  private final Clock clock;
  private volatile PartyKey party;
  private volatile String enclaveId;

  RequestSigner(HttpUrl base, Clock clock) {
    this.base = base;
    this.clock = clock;
  }

  /** Signs from now on as {@code party} for the enclave whose attested signing key has id {@code enclaveId}. */
  public void use(PartyKey party, String enclaveId) {
    this.party = party;
    this.enclaveId = enclaveId;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request req = chain.request();
    PartyKey p = party;
    String enclave = enclaveId;
    String path = relativePath(req.url());
    if (p == null || enclave == null || !SignedRequests.covers(req.method(), path)) return chain.proceed(req);
    byte[] body = new byte[0];
    RequestBody rb = req.body();
    if (rb != null) {
      Buffer buf = new Buffer();
      rb.writeTo(buf);
      body = buf.readByteArray();
      rb = RequestBody.create(body, rb.contentType());
    }
    String header = SignedRequests.sign(p, req.method(), path, body, enclave, clock.instant());
    return chain.proceed(req.newBuilder().method(req.method(), rb).header(SignedRequests.HEADER, header).build());
  }

  /** The path and query below the gateway's base URL, as the enclave sees them ("/v1/…"). */
  private String relativePath(HttpUrl url) {
    String basePath = base.encodedPath();
    String path = url.encodedPath();
    if (path.startsWith(basePath)) path = "/" + path.substring(basePath.length());
    return url.encodedQuery() == null ? path : path + "?" + url.encodedQuery();
  }
}
