package org.secaimed.devtools.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import org.secaimed.connector.attest.verify.Hex;
import org.secaimed.connector.attest.verify.snp.AmdCertificate;

/**
 * For {@code bench attest}'s cold runs: a loopback server that answers like AMD KDS and Intel PCS
 * v4 (paths, query strings, content types, URL-encoded issuer-chain headers) with the real files
 * of the shared attestation vectors. Simulated: AMD's CRLs (none is among the vectors; these are
 * signed by a throw-away key, so SNP evidence verified with them fails {@code snp.not-revoked}).
 */
public final class LocalCollateralService implements AutoCloseable {
  private record Reply(String contentType, byte[] body, Map<String, String> headers) {}

  private final Map<String, Reply> routes = new HashMap<>();
  private final HttpServer server;

  public LocalCollateralService(Path vectors) throws Exception {
    for (String p : new String[] {"Milan", "Genoa"}) {
      String lower = p.toLowerCase(java.util.Locale.ROOT);
      routes.put("/vcek/v1/" + p + "/cert_chain", new Reply("application/x-pem-file", read(vectors, "sev-snp/roots/ask_ark_" + lower + ".pem"), Map.of()));
      routes.put("/vlek/v1/" + p + "/cert_chain", new Reply("application/x-pem-file", read(vectors, "sev-snp/roots/asvk_ark_" + lower + "_vlek.pem"), Map.of()));
      routes.put("/vcek/v1/" + p + "/crl", new Reply("application/pkix-crl", simulatedCrl(p), Map.of()));
      routes.put("/vlek/v1/" + p + "/crl", new Reply("application/pkix-crl", simulatedCrl(p), Map.of()));
    }
    vcek("Milan", read(vectors, "sev-snp/gsg-milan-vcek/vcek.der"));
    vcek("Genoa", read(vectors, "sev-snp/azure-genoa/vcek.pem"));
    String tcbChain = intelEncoded(read(vectors, "tdx/tcb_signing_chain.pem"));
    for (String[] t : new String[][] {{"50806f000000", "tdx/tcbinfo_tdx_50806f000000.json"}, {"90c06f000000", "tdx/tcbinfo_tdx_90c06f000000_v5.json"}}) {
      routes.put("/tdx/certification/v4/tcb?fmspc=" + t[0], new Reply("application/json", read(vectors, t[1]), Map.of("TCB-Info-Issuer-Chain", tcbChain)));
    }
    routes.put("/tdx/certification/v4/qe/identity", new Reply("application/json", read(vectors, "tdx/qe_identity_td_qe_2023.json"),
        Map.of("SGX-Enclave-Identity-Issuer-Chain", tcbChain)));
    routes.put("/sgx/certification/v4/pckcrl?ca=platform&encoding=der", new Reply("application/pkix-crl", read(vectors, "tdx/pckcrl_platform.der"),
        Map.of("SGX-PCK-CRL-Issuer-Chain", intelEncoded(read(vectors, "tdx/pck_platform_ca_chain.pem")))));
    routes.put("/IntelSGXRootCA.der", new Reply("application/pkix-crl", read(vectors, "tdx/intel_sgx_root_ca_crl.der"), Map.of()));
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

  private void handle(HttpExchange ex) throws IOException {
    URI u = ex.getRequestURI();
    Reply r = routes.get(u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
    byte[] body = r == null ? "not found".getBytes(StandardCharsets.US_ASCII) : r.body();
    if (r != null) r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    ex.getResponseHeaders().add("Content-Type", r == null ? "text/plain" : r.contentType());
    ex.sendResponseHeaders(r == null ? 404 : 200, body.length);
    try (var out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  /** KDS serves a VCEK by hwID and SPLs; read them from the certificate itself. */
  private void vcek(String product, byte[] file) throws Exception {
    X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(file));
    AmdCertificate a = new AmdCertificate(c);
    routes.put("/vcek/v1/" + product + "/" + Hex.of(a.hwId().orElseThrow()) + "?blSPL=" + a.spl("1").orElseThrow() + "&teeSPL=" + a.spl("2").orElseThrow()
        + "&snpSPL=" + a.spl("3").orElseThrow() + "&ucodeSPL=" + a.spl("8").orElseThrow(), new Reply("application/pkix-cert", c.getEncoded(), Map.of()));
  }

  private static byte[] read(Path vectors, String rel) throws IOException {
    return Files.readAllBytes(vectors.resolve(rel));
  }

  private static String intelEncoded(byte[] pem) {
    return URLEncoder.encode(new String(pem, StandardCharsets.US_ASCII), StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static byte[] simulatedCrl(String product) throws Exception {
    var kpg = KeyPairGenerator.getInstance("EC");
    kpg.initialize(256);
    var b = new org.bouncycastle.cert.X509v2CRLBuilder(new org.bouncycastle.asn1.x500.X500Name("CN=ARK-" + product), Date.from(Instant.now()));
    b.setNextUpdate(Date.from(Instant.now().plusSeconds(86400)));
    return b.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(kpg.generateKeyPair().getPrivate())).getEncoded();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
