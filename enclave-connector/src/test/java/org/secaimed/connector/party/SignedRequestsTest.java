package org.secaimed.connector.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.secaimed.connector.party.RequestRefusedException.Rule;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;

class SignedRequestsTest {
  static final String ENCLAVE = "a".repeat(64);
  static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  final PartyKey site = PartyKey.generate();
  final byte[] body = "{\"kind\":\"segmentation\"}".getBytes(StandardCharsets.UTF_8);
  final SignedRequests.Verifier verifier = SignedRequests.verifier(ENCLAVE, NonceLedger.inMemory(), Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void aSignedRequestNamesItsParty() throws Exception {
    String h = SignedRequests.sign(site, "POST", "/v1/tasks", body, ENCLAVE, NOW);
    assertThat(verifier.verify("POST", "/v1/tasks", body, h).id()).isEqualTo(site.id());
  }

  @Test
  void everyCoveredPartMatters() {
    String h = SignedRequests.sign(site, "POST", "/v1/tasks", body, ENCLAVE, NOW);
    byte[] other = "{\"kind\":\"training\"}".getBytes(StandardCharsets.UTF_8);
    assertRule(() -> verifier.verify("POST", "/v1/tasks", other, h), Rule.BAD_SIGNATURE);
    assertRule(() -> verifier.verify("DELETE", "/v1/tasks", body, h), Rule.BAD_SIGNATURE);
    assertRule(() -> verifier.verify("POST", "/v1/tasks?x=1", body, h), Rule.BAD_SIGNATURE);
    assertRule(() -> verifier.verify("POST", "/v1/tasks", body, null), Rule.UNSIGNED_REQUEST);
    assertRule(() -> verifier.verify("POST", "/v1/tasks", body, "v1; party=x"), Rule.MALFORMED_SIGNATURE);
    // Another party's key with site's signature: the signature is over the party id too.
    String swapped = h.replaceFirst("party=[^;]+", "party=" + PartyKey.generate().publicKey().encoded());
    assertRule(() -> verifier.verify("POST", "/v1/tasks", body, swapped), Rule.BAD_SIGNATURE);
  }

  @Test
  void aCapturedRequestCannotBeReplayedNorSentToAnotherEnclaveNorUsedLate() throws Exception {
    String h = SignedRequests.sign(site, "POST", "/v1/tasks", body, ENCLAVE, NOW);
    verifier.verify("POST", "/v1/tasks", body, h);
    assertRule(() -> verifier.verify("POST", "/v1/tasks", body, h), Rule.REPLAYED_REQUEST);

    var otherEnclave = SignedRequests.verifier("b".repeat(64), NonceLedger.inMemory(), Clock.fixed(NOW, ZoneOffset.UTC));
    String h2 = SignedRequests.sign(site, "POST", "/v1/tasks", body, ENCLAVE, NOW);
    assertRule(() -> otherEnclave.verify("POST", "/v1/tasks", body, h2), Rule.WRONG_ENCLAVE);

    var later = SignedRequests.verifier(ENCLAVE, NonceLedger.inMemory(), Clock.fixed(NOW.plusSeconds(301), ZoneOffset.UTC));
    assertRule(() -> later.verify("POST", "/v1/tasks", body, h2), Rule.STALE_REQUEST);
  }

  @Test
  void theSiteKeyIsDerivedFromItsKemKeyStablyAndIndependently() {
    KemKeyPair kem = KemKeyPair.generate(HpkeSuite.XWING);
    assertThat(PartyKey.derivedFrom(kem).id()).isEqualTo(PartyKey.derivedFrom(kem).id());
    assertThat(PartyKey.derivedFrom(kem).id()).isNotEqualTo(PartyKey.derivedFrom(KemKeyPair.generate(HpkeSuite.XWING)).id());
    PartyKey derived = PartyKey.derivedFrom(kem);
    byte[] msg = "m".getBytes(StandardCharsets.UTF_8);
    assertThat(derived.publicKey().verify(msg, derived.sign(msg))).isTrue();
  }

  static void assertRule(org.assertj.core.api.ThrowableAssert.ThrowingCallable c, Rule rule) {
    assertThatThrownBy(c).isInstanceOfSatisfying(RequestRefusedException.class, e -> assertThat(e.rule()).isEqualTo(rule));
  }
}
