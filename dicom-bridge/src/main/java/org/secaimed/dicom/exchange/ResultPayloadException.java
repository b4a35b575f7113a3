package org.secaimed.dicom.exchange;

import org.secaimed.connector.SecaimedFailure;
import java.io.IOException;

/** A result payload that is malformed or inconsistent; {@link #field()} names what is wrong. */
public final class ResultPayloadException extends IOException implements SecaimedFailure {
  private static final long serialVersionUID = 1L;

  public enum Reason { NOT_A_RESULT, MALFORMED, LABELS_MISMATCH, TRUNCATED }

  private final Reason reason;
  private final String field;

  public ResultPayloadException(Reason reason, String field, String message) {
    this(reason, field, message, null);
  }

  public ResultPayloadException(Reason reason, String field, String message, Throwable cause) {
    super("result payload " + reason + (field == null ? "" : " [" + field + "]") + ": " + message, cause);
    this.reason = reason;
    this.field = field;
  }

  public Reason reason() {
    return reason;
  }

  public String field() {
    return field;
  }

  @Override
  public String code() {
    return reason.name();
  }
}
