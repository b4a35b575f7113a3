package org.secaimed.connector.attest;

/** Evidence bytes that cannot be parsed; names the format and the field or offset at fault. */
public final class EvidenceFormatException extends AttestationException {
  private final String format;
  private final String field;

  public EvidenceFormatException(String format, String field, String message) {
    super(format + ": " + field + ": " + message);
    this.format = format;
    this.field = field;
  }

  public EvidenceFormatException(String format, String field, String message, Throwable cause) {
    super(format + ": " + field + ": " + message, cause);
    this.format = format;
    this.field = field;
  }

  public String format() {
    return format;
  }

  public String field() {
    return field;
  }

  @Override
  public String code() {
    return "EVIDENCE_MALFORMED";
  }
}
