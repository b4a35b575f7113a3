package org.secaimed.connector.party;

import org.secaimed.connector.io.Digests;
import static org.secaimed.connector.party.RequestRefusedException.Rule.*;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.secaimed.connector.receipt.DsseEnvelope;

/**
 * Signed requests (docs/gateway-protocol.md, "Signed requests"): one header,
 * {@value #HEADER}, carrying the party's key, the enclave it is meant for, a timestamp, a nonce
 * and an Ed25519 signature over
 * {@code PAE("application/vnd.secaimed.request.v1", method \n path \n sha256(body) \n party \n enclave \n created \n nonce)}.
 * The enclave, not the gateway, verifies it: a changed method, path, query or body, another
 * enclave, an old request or a replayed nonce is refused.
 */
public final class SignedRequests {
  public static final String HEADER = "Secaimed-Signature";
  static final String PAYLOAD_TYPE = "application/vnd.secaimed.request.v1";
  /** How far a request's timestamp may lie from the enclave's clock, either way. */
  public static final Duration WINDOW = Duration.ofMinutes(5);
  private static final Pattern FORMAT = Pattern.compile(
      "v1; party=([A-Za-z0-9+/=]{1,200}); enclave=([0-9a-f]{64}); created=([0-9]{1,12}); nonce=([A-Za-z0-9_-]{22}); sig=([A-Za-z0-9+/=]{1,200})");
  private static final SecureRandom RANDOM = new SecureRandom();

  private SignedRequests() {}

  /** The header value for one request; {@code enclaveId} is the attested enclave signing key's id. */
  public static String sign(PartyKey party, String method, String pathAndQuery, byte[] body, String enclaveId, Instant now) {
    byte[] n = new byte[16];
    RANDOM.nextBytes(n);
    String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(n);
    long created = now.getEpochSecond();
    byte[] msg = message(method, pathAndQuery, sha256Hex(body), party.id(), enclaveId, created, nonce);
    return "v1; party=" + party.publicKey().encoded() + "; enclave=" + enclaveId + "; created=" + created
        + "; nonce=" + nonce + "; sig=" + Base64.getEncoder().encodeToString(party.sign(msg));
  }

  /** The enclave's side: verifies requests meant for {@code enclaveId}. */
  public static Verifier verifier(String enclaveId, NonceLedger nonces, Clock clock) {
    return new Verifier(enclaveId, nonces, clock);
  }

  public static final class Verifier {
    private final String enclaveId;
    private final NonceLedger nonces;
    private final Clock clock;

    private Verifier(String enclaveId, NonceLedger nonces, Clock clock) {
      this.enclaveId = Objects.requireNonNull(enclaveId);
      this.nonces = Objects.requireNonNull(nonces);
      this.clock = Objects.requireNonNull(clock);
    }

    /**
     * Returns the party that signed this exact request, or throws naming the rule it broke. The
     * nonce is spent only once the signature verified, so forged requests cannot burn nonces.
     */
    public PartyPublicKey verify(String method, String pathAndQuery, byte[] body, String header) throws RequestRefusedException {
      if (header == null || header.isBlank()) {
        throw new RequestRefusedException(UNSIGNED_REQUEST, method + " " + pathOnly(pathAndQuery) + " carries no " + HEADER + " header");
      }
      Matcher m = FORMAT.matcher(header.trim());
      if (!m.matches()) throw new RequestRefusedException(MALFORMED_SIGNATURE, HEADER + " is not 'v1; party=…; enclave=…; created=…; nonce=…; sig=…'");
      PartyPublicKey party;
      byte[] sig;
      try {
        party = PartyPublicKey.parse(m.group(1));
        sig = Base64.getDecoder().decode(m.group(5));
      } catch (IllegalArgumentException e) {
        throw new RequestRefusedException(MALFORMED_SIGNATURE, HEADER + ": " + e.getMessage());
      }
      String enclave = m.group(2);
      long created = Long.parseLong(m.group(3));
      String nonce = m.group(4);
      byte[] msg = message(method, pathAndQuery, sha256Hex(body), party.id(), enclave, created, nonce);
      if (!party.verify(msg, sig)) {
        throw new RequestRefusedException(BAD_SIGNATURE, "the signature of " + method + " " + pathOnly(pathAndQuery)
            + " does not verify under its party key (request altered, or signed for other content)");
      }
      if (!enclave.equals(enclaveId)) {
        throw new RequestRefusedException(WRONG_ENCLAVE, "the request was signed for enclave " + enclave.substring(0, 16) + "…, not this one");
      }
      Instant now = clock.instant();
      Instant at = Instant.ofEpochSecond(created);
      if (at.isBefore(now.minus(WINDOW)) || at.isAfter(now.plus(WINDOW))) {
        throw new RequestRefusedException(STALE_REQUEST, "the request was signed at " + at + ", outside ±" + WINDOW.toMinutes()
            + " min of the enclave's clock " + now);
      }
      if (!nonces.firstUse(party.id(), nonce, at.plus(WINDOW).plusSeconds(1), now)) {
        throw new RequestRefusedException(REPLAYED_REQUEST, "nonce " + nonce + " of " + party + " was already used");
      }
      return party;
    }
  }

  /**
   * Which calls carry a signature (docs/gateway-protocol.md): all but attestation, part uploads,
   * the catalogue and log reads. The client signs exactly these, the enclave requires exactly these.
   */
  public static boolean covers(String method, String path) {
    if (path.startsWith("/v1/attestation") || path.startsWith("/v1/algorithms") || path.startsWith("/v1/log/")) return false;
    return !("PUT".equals(method) && path.contains("/parts/"));
  }

  static byte[] message(String method, String pathAndQuery, String bodySha256, String party, String enclave, long created, String nonce) {
    if (method == null || pathAndQuery == null || pathAndQuery.indexOf('\n') >= 0 || !pathAndQuery.startsWith("/")) {
      throw new IllegalArgumentException("request method and an absolute path are required");
    }
    String canonical = method.toUpperCase(java.util.Locale.ROOT) + "\n" + pathAndQuery + "\n" + bodySha256 + "\n" + party + "\n"
        + enclave + "\n" + created + "\n" + nonce;
    return DsseEnvelope.pae(PAYLOAD_TYPE, canonical.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256Hex(byte[] body) {
    return Digests.sha256Hex(body == null ? new byte[0] : body);
  }

  private static String pathOnly(String pathAndQuery) {
    int q = pathAndQuery == null ? -1 : pathAndQuery.indexOf('?');
    return q < 0 ? String.valueOf(pathAndQuery) : pathAndQuery.substring(0, q);
  }
}
