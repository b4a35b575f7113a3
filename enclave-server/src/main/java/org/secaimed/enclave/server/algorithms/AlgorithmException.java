package org.secaimed.enclave.server.algorithms;

import org.secaimed.connector.SecaimedFailure;

/**
 * Why a task could not run, naming the input, instance, parameter or step at fault. Messages never
 * contain pixel values or patient attributes, only UIDs, indices and parameter names.
 */
public final class AlgorithmException extends Exception implements SecaimedFailure {
  private static final long serialVersionUID = 1L;

  /** Stable reasons; the gateway maps each to a problem+json type. */
  public enum Reason {
    UNKNOWN_ALGORITHM,
    VERSION_MISMATCH,
    DIGEST_MISMATCH,
    UNSUPPORTED_TASK_KIND,
    BAD_PARAMETER,
    /** An input archive is malformed, tampered, or its DICOM content unusable. */
    BAD_INPUT,
    UNKNOWN_MODEL,
    EXTERNAL_PROGRAM_FAILED,
    TIMEOUT,
    CANCELLED,
    /** Writing the result or the model store failed. */
    OUTPUT_FAILED
  }

  private final Reason reason;
  private final String subject;

  public AlgorithmException(Reason reason, String subject, String message) {
    this(reason, subject, message, null);
  }

  public AlgorithmException(Reason reason, String subject, String message, Throwable cause) {
    super(reason + (subject == null ? "" : " [" + subject + "]") + ": " + message, cause);
    this.reason = reason;
    this.subject = subject;
  }

  public Reason reason() {
    return reason;
  }

  /** The input ("input[0]"), instance (SOP Instance UID), parameter ("parameters.model") or step at fault. */
  public String subject() {
    return subject;
  }

  @Override
  public String code() {
    return reason.name();
  }
}
