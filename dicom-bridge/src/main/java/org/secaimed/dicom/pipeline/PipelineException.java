package org.secaimed.dicom.pipeline;

import org.secaimed.connector.SecaimedFailure;
import java.io.IOException;

/** A job step failed; the message names the step and the series or instance at fault. */
public class PipelineException extends IOException implements SecaimedFailure {

  /** The steps of DESIGN.md §3. */
  public enum Step { RESOLVE, ATTEST, PULL, SEAL, UPLOAD, SUBMIT, AWAIT, OPEN_VERIFY, WRITE_BACK, RECORD }

  private final Step step;
  private final String subject;

  public PipelineException(Step step, String subject, String message) {
    this(step, subject, message, null);
  }

  public PipelineException(Step step, String subject, String message, Throwable cause) {
    super(step.name().toLowerCase().replace('_', '+') + " [" + subject + "]: " + message, cause);
    this.step = step;
    this.subject = subject;
  }

  public Step step() {
    return step;
  }

  /** The series, instance or blob the failure concerns. */
  public String subject() {
    return subject;
  }

  @Override
  public String code() {
    return step.name() + "_FAILED";
  }
}
