package org.secaimed.connector.seal;

import org.secaimed.connector.SecaimedFailure;
import java.io.IOException;

/** A key file is missing, unreadable or malformed; the message names the file and the field. */
public final class KeyFileException extends IOException implements SecaimedFailure {
  private static final long serialVersionUID = 1L;

  public KeyFileException(String message) {
    super(message);
  }

  public KeyFileException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public String code() {
    return "INVALID_KEY_FILE";
  }
}
