package org.secaimed.kaapana.auth;

import org.secaimed.connector.SecaimedFailure;
import java.io.IOException;

/**
 * A token could not be obtained. Names the grant step, the HTTP status and the OAuth error code;
 * never a password, secret or token.
 */
public final class KeycloakAuthException extends IOException implements SecaimedFailure {
  private static final long serialVersionUID = 1L;

  /** Which request failed. */
  public enum Step { PASSWORD_GRANT, REFRESH_GRANT }

  private final Step step;
  private final int httpStatus;
  private final String oauthError;

  public KeycloakAuthException(Step step, int httpStatus, String oauthError, String message, Throwable cause) {
    super(step + " failed" + (httpStatus > 0 ? " (HTTP " + httpStatus + ")" : "")
        + (oauthError != null ? " [" + oauthError + "]" : "") + ": " + message, cause);
    this.step = step;
    this.httpStatus = httpStatus;
    this.oauthError = oauthError;
  }

  public Step step() {
    return step;
  }

  /** The HTTP status, or 0 when no response arrived. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The OAuth {@code error} field (e.g. {@code invalid_grant}), or null. */
  public String oauthError() {
    return oauthError;
  }

  @Override
  public String code() {
    return "AUTH_FAILED";
  }
}
