package org.secaimed.enclave.server.http;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import okhttp3.OkHttpClient;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.gateway.AttestedEnclave;
import org.secaimed.connector.gateway.GatewayClient;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.party.PartyKey;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.devtools.enclave.DevEnclave;
import org.secaimed.enclave.server.EnclaveServer;

/**
 * What the protocol v2 tests share: a dev enclave running {@link EchoDigestRunner} (X25519, quiet
 * banner), and sites, each with its own keys and a session signing as it for that enclave.
 */
final class EchoSites {
  private EchoSites() {}

  /** A site: its own key pair, a session signing as it, an attested enclave. */
  record Site(KemKeyPair keys, GatewaySession session, AttestedEnclave enclave) {
    String id() {
      return PartyKey.derivedFrom(keys).id();
    }
  }

  static DevEnclave startEnclave(Path state) throws Exception {
    return startEnclave(state, 0);
  }

  /** On {@code port} (0: any free one), e.g. the port of the enclave it restarts. */
  static DevEnclave startEnclave(Path state, int port) throws Exception {
    return DevEnclave.start(EnclaveServer.Config.defaults(state).withRunner(new EchoDigestRunner()).withKemSuite(HpkeSuite.X25519)
        .withPort(port), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  /** A new site whose files live under {@code dir/name}; {@code http} null for a plain client. */
  static Site site(DevEnclave enclave, Path dir, String name, int partSize, OkHttpClient http) throws Exception {
    KemKeyPair keys = KemKeyPair.generate(HpkeSuite.X25519);
    GatewaySession.Builder b = GatewaySession.builder(enclave.baseUrl()).policy(Policy.resource("policies/dev.yaml")).partSize(partSize)
        .pollInterval(Duration.ofMillis(20)).checkpointStore(dir.resolve(name + "/checkpoints")).workDir(dir.resolve(name + "/work"))
        .site(keys);
    if (http != null) b.client(new GatewayClient(enclave.baseUrl(), http));
    GatewaySession s = b.build();
    return new Site(keys, s, s.attest());
  }
}
