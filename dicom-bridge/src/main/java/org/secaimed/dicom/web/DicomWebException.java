package org.secaimed.dicom.web;

import org.secaimed.connector.SecaimedFailure;
import java.io.IOException;

/**
 * A DICOMweb call failed. Carries the HTTP status (0 when no response arrived), the request
 * method and a redacted URL (no credentials, no query values: those can hold patient data),
 * and the server's problem detail when it sent one.
 */
public final class DicomWebException extends IOException implements SecaimedFailure {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String method;
  private final String redactedUrl;
  private final String problemDetail;

  public DicomWebException(String method, String redactedUrl, int status, String problemDetail, String message, Throwable cause) {
    super(compose(method, redactedUrl, status, problemDetail, message), cause);
    this.status = status;
    this.method = method;
    this.redactedUrl = redactedUrl;
    this.problemDetail = problemDetail;
  }

  private static String compose(String method, String url, int status, String detail, String message) {
    StringBuilder sb = new StringBuilder();
    sb.append(method).append(' ').append(url).append(": ");
    if (status > 0) sb.append("HTTP ").append(status).append(": ");
    sb.append(message);
    if (detail != null && !detail.isBlank()) sb.append(" (server said: ").append(detail).append(')');
    return sb.toString();
  }

  /** The HTTP status, or 0 when the failure happened before a response (connect, timeout, I/O). */
  public int status() {
    return status;
  }

  public String method() {
    return method;
  }

  /** The request URL without user info and with query values replaced by "…". */
  public String redactedUrl() {
    return redactedUrl;
  }

  /** The server's explanation (problem+json detail, DICOM Error Comment or a short text excerpt), or null. */
  public String problemDetail() {
    return problemDetail;
  }

  @Override
  public String code() {
    return "DICOMWEB_FAILED";
  }
}
