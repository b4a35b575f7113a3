package org.secaimed.connector.attest.collateral;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secaimed.connector.attest.verify.Hex;
import org.secaimed.connector.attest.verify.Vectors;
import org.secaimed.connector.attest.verify.snp.AmdCertificate;

/**
 * A local server answering like AMD KDS and Intel PCS v4 (paths, query strings, content types,
 * Cache-Control and the URL-encoded issuer-chain headers) with the real files of
 * ../shared/testdata/attestation. VCEKs are found by hwID and SPLs read from the certificates
 * themselves, as KDS does. Simulated: the AMD CRLs (no real one is in the vectors; these are
 * signed by a test key, so the verifier refuses them) and the faults scripted by tests.
 */
public final class LocalKdsPcs implements AutoCloseable {
  public record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {}

  private final HttpServer server;
  private final Map<String, Reply> routes = new LinkedHashMap<>();
  private final Map<String, Deque<Reply>> scripted = new LinkedHashMap<>();
  public final List<String> requests = Collections.synchronizedList(new ArrayList<>());

  public LocalKdsPcs(String cacheControl) throws Exception {
    Map<String, String> cc = cacheControl == null ? Map.of() : Map.of("Cache-Control", cacheControl);
    for (String p : List.of("Milan", "Genoa")) {
      routes.put("/vcek/v1/" + p + "/cert_chain", ok("application/x-pem-file", Vectors.bytes("sev-snp/roots/ask_ark_" + p.toLowerCase() + ".pem"), cc));
      routes.put("/vlek/v1/" + p + "/cert_chain", ok("application/x-pem-file",
          Vectors.bytes("sev-snp/roots/asvk_ark_" + p.toLowerCase() + "_vlek.pem"), cc));
      routes.put("/vcek/v1/" + p + "/crl", ok("application/pkix-crl", simulatedCrl(p), cc));
      routes.put("/vlek/v1/" + p + "/crl", ok("application/pkix-crl", simulatedCrl(p), cc));
    }
    vcek("Milan", Vectors.certs("sev-snp/gsg-milan-vcek/vcek.der").get(0));
    vcek("Genoa", Vectors.certs("sev-snp/azure-genoa/vcek.pem").get(0));
    Map<String, String> tcbHeaders = new LinkedHashMap<>(cc);
    tcbHeaders.put(IntelPcs.TCB_INFO_CHAIN, intelEncoded(Vectors.bytes("tdx/tcb_signing_chain.pem")));
    routes.put("/tdx/certification/v4/tcb?fmspc=50806f000000", ok("application/json", Vectors.bytes("tdx/tcbinfo_tdx_50806f000000.json"), tcbHeaders));
    routes.put("/tdx/certification/v4/tcb?fmspc=90c06f000000", ok("application/json", Vectors.bytes("tdx/tcbinfo_tdx_90c06f000000_v5.json"), tcbHeaders));
    Map<String, String> qeHeaders = new LinkedHashMap<>(cc);
    qeHeaders.put(IntelPcs.QE_IDENTITY_CHAIN, intelEncoded(Vectors.bytes("tdx/tcb_signing_chain.pem")));
    routes.put("/tdx/certification/v4/qe/identity", ok("application/json", Vectors.bytes("tdx/qe_identity_td_qe_2023.json"), qeHeaders));
    Map<String, String> crlHeaders = new LinkedHashMap<>(cc);
    crlHeaders.put(IntelPcs.PCK_CRL_CHAIN, intelEncoded(Vectors.bytes("tdx/pck_platform_ca_chain.pem")));
    routes.put("/sgx/certification/v4/pckcrl?ca=platform&encoding=der", ok("application/pkix-crl", Vectors.bytes("tdx/pckcrl_platform.der"), crlHeaders));
    routes.put("/IntelSGXRootCA.der", ok("application/pkix-crl", Vectors.bytes("tdx/intel_sgx_root_ca_crl.der"), cc));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  public URI rootCrl() {
    return base().resolve("/IntelSGXRootCA.der");
  }

  /** The next answers for {@code pathAndQuery}, before the normal one. */
  void script(String pathAndQuery, Reply... replies) {
    scripted.computeIfAbsent(pathAndQuery, k -> new ArrayDeque<>()).addAll(List.of(replies));
  }

  static Reply status(int code, Map<String, String> headers) {
    return new Reply(code, "text/plain", ("HTTP " + code).getBytes(StandardCharsets.US_ASCII), headers);
  }

  static Reply ok(String contentType, byte[] body, Map<String, String> headers) {
    return new Reply(200, contentType, body, headers);
  }

  private void handle(HttpExchange ex) throws IOException {
    URI u = ex.getRequestURI();
    String key = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    requests.add(key);
    Deque<Reply> q = scripted.get(key);
    Reply r = q != null && !q.isEmpty() ? q.poll() : routes.getOrDefault(key, status(404, Map.of()));
    r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    ex.getResponseHeaders().add("Content-Type", r.contentType());
    ex.sendResponseHeaders(r.status(), r.body().length);
    try (var out = ex.getResponseBody()) {
      out.write(r.body());
    }
  }

  /** KDS: {@code /vcek/v1/{product}/{hwID}?blSPL=&teeSPL=&snpSPL=&ucodeSPL=}, DER, found by the certificate's own extensions. */
  private void vcek(String product, byte[] der) throws Exception {
    var amd = new AmdCertificate((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)));
    String path = "/vcek/v1/" + product + "/" + Hex.of(amd.hwId().orElseThrow()) + "?blSPL=" + amd.spl("1").orElseThrow() + "&teeSPL="
        + amd.spl("2").orElseThrow() + "&snpSPL=" + amd.spl("3").orElseThrow() + "&ucodeSPL=" + amd.spl("8").orElseThrow();
    routes.put(path, ok("application/pkix-cert", der, Map.of("Cache-Control", "public, max-age=31536000, immutable")));
  }

  /** Intel sends issuer chains URL-encoded (spaces as %20). */
  static String intelEncoded(byte[] pem) {
    return URLEncoder.encode(new String(pem, StandardCharsets.US_ASCII), StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Simulated (no real AMD CRL in the vectors): issued in ARK-{product}'s name but signed by a test key. */
  private static byte[] simulatedCrl(String product) throws Exception {
    var kpg = KeyPairGenerator.getInstance("EC");
    kpg.initialize(256);
    var b = new org.bouncycastle.cert.X509v2CRLBuilder(new org.bouncycastle.asn1.x500.X500Name("CN=ARK-" + product),
        Date.from(Instant.parse("2026-11-01T00:00:00Z")));
    b.setNextUpdate(Date.from(Instant.parse("2026-12-31T00:00:00Z")));
    return b.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(kpg.generateKeyPair().getPrivate())).getEncoded();
  }

  /** Stops answering: connections are refused from now on. */
  public void stop() {
    server.stop(0);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
