package org.secaimed.connector.attest.collateral;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One fetched document as the service served it.
 *
 * @param key store key, e.g. {@code amd/Milan/vcek/cert_chain}
 * @param url where it came from
 * @param kind what it is
 * @param body the exact bytes served (signatures cover them; never re-encoded)
 * @param issuerChain the PEM chain Intel PCS sends in a response header (URL-decoded), or null
 * @param fetchedAt when it was fetched
 * @param freshUntil until when it is served without asking again; null = for ever (immutable)
 */
public record CollateralItem(String key, String url, CollateralKind kind, byte[] body, String issuerChain, Instant fetchedAt,
    Instant freshUntil) {
  public CollateralItem {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(fetchedAt, "fetchedAt");
    body = body.clone();
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  public Optional<String> chain() {
    return Optional.ofNullable(issuerChain);
  }

  /** Fresh at {@code at}: served from the cache without a request. */
  public boolean freshAt(Instant at) {
    return freshUntil == null || !at.isAfter(freshUntil);
  }

  /** Past its freshness, but a failed refresh may still serve it until {@code freshUntil + grace}. */
  public boolean servableStaleAt(Instant at, java.time.Duration grace) {
    return freshUntil == null || !at.isAfter(freshUntil.plus(grace));
  }
}
