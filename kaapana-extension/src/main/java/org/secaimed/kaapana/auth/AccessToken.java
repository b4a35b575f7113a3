package org.secaimed.kaapana.auth;

import java.time.Instant;
import java.util.Objects;

/** A bearer token and when it expires. {@link #toString()} never shows the token. */
public final class AccessToken {
  private final String value;
  private final Instant expiresAt;

  public AccessToken(String value, Instant expiresAt) {
    if (value == null || value.isBlank()) throw new IllegalArgumentException("access token is empty");
    this.value = value;
    this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** The value for an {@code Authorization} header. */
  public String authorizationHeader() {
    return "Bearer " + value;
  }

  /** The raw token, for callers that must pass it on (e.g. a DICOMweb client). */
  public String value() {
    return value;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  @Override
  public String toString() {
    return "AccessToken[redacted, expiresAt=" + expiresAt + "]";
  }
}
