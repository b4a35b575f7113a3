package org.secaimed.connector.attest.collateral;

import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.Certificates;
import org.secaimed.connector.attest.verify.dcap.SignedJson;

/**
 * Checks that a KDS/PCS answer is what its endpoint serves before it is cached, and reads how
 * long it stays fresh. Only the shape is checked here; whether it is genuine is the verifiers'
 * job (signatures up to the pinned AMD/Intel roots), every time it is used.
 */
public final class CollateralResponses {
  /** Larger answers are refused: the biggest real ones (PCK CRLs, TCB info) are tens of KiB. */
  public static final int MAX_BYTES = 1 << 20;

  private CollateralResponses() {}

  /** Throws {@link CollateralException.Reason#BAD_RESPONSE} unless {@code body} (and the header chain) parse as {@code kind}. */
  public static void check(String key, CollateralKind kind, byte[] body, String issuerChain) throws CollateralException {
    if (body.length == 0 || body.length > MAX_BYTES) throw bad(key, "answer of " + body.length + " bytes");
    try {
      switch (kind) {
        case IMMUTABLE_CERTIFICATE -> Certificates.parse(body, "collateral", key);
        case CERTIFICATE_CHAIN -> Certificates.parsePem(body, "collateral", key);
        case CRL -> Certificates.parseCrl(body, "collateral", key);
        case TCB_INFO -> signedJson(key, body, "tcbInfo");
        case QE_IDENTITY -> signedJson(key, body, "enclaveIdentity");
      }
      if (issuerChain != null) Certificates.parsePem(issuerChain.getBytes(java.nio.charset.StandardCharsets.US_ASCII), "collateral", key + " issuer chain");
    } catch (EvidenceFormatException e) {
      throw bad(key, e.getMessage());
    }
  }

  private static void signedJson(String key, byte[] body, String member) throws EvidenceFormatException, CollateralException {
    if (!member.equals(SignedJson.kind(body))) throw bad(key, "JSON without '" + member + "'");
    SignedJson.parse("collateral", key, body, member);
  }

  /** The document's own {@code nextUpdate} (CRL field, or the JSON body's), if it has one. */
  public static Optional<Instant> nextUpdate(CollateralKind kind, byte[] body) {
    try {
      return switch (kind) {
        case CRL -> {
          X509CRL crl = Certificates.parseCrl(body, "collateral", "crl");
          yield Optional.ofNullable(crl.getNextUpdate()).map(java.util.Date::toInstant);
        }
        case TCB_INFO, QE_IDENTITY -> {
          SignedJson sj = SignedJson.parse("collateral", "json", body, kind == CollateralKind.TCB_INFO ? "tcbInfo" : "enclaveIdentity");
          yield Optional.of(Instant.parse(sj.body().path("nextUpdate").asText()));
        }
        default -> Optional.empty();
      };
    } catch (EvidenceFormatException | DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** {@code max-age} of a Cache-Control header ({@code no-cache}/{@code no-store} count as 0), if any. */
  public static Optional<Duration> maxAge(String cacheControl) {
    if (cacheControl == null) return Optional.empty();
    for (String part : cacheControl.split(",")) {
      String d = part.strip().toLowerCase(Locale.ROOT);
      if (d.equals("no-cache") || d.equals("no-store")) return Optional.of(Duration.ZERO);
      if (d.startsWith("max-age=")) {
        try {
          long s = Long.parseLong(d.substring(8).replace("\"", ""));
          if (s >= 0) return Optional.of(Duration.ofSeconds(s));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Until when an item fetched at {@code fetchedAt} is fresh: never stale for an immutable
   * certificate (null); otherwise the earlier of the document's {@code nextUpdate} and the
   * response's {@code max-age}, else {@code fetchedAt + fallback}.
   */
  public static Instant freshUntil(CollateralKind kind, byte[] body, String cacheControl, Instant fetchedAt, Duration fallback) {
    if (kind == CollateralKind.IMMUTABLE_CERTIFICATE) return null;
    Optional<Instant> next = nextUpdate(kind, body);
    Optional<Instant> byAge = maxAge(cacheControl).map(fetchedAt::plus);
    if (next.isPresent() && byAge.isPresent()) return next.get().isBefore(byAge.get()) ? next.get() : byAge.get();
    return next.or(() -> byAge).orElse(fetchedAt.plus(fallback));
  }

  private static CollateralException bad(String key, String why) {
    return new CollateralException(CollateralException.Reason.BAD_RESPONSE, key, "not a valid answer: " + why);
  }
}
