package org.secaimed.enclave.server.blob;

import java.io.IOException;
import org.secaimed.connector.SecaimedFailure;

/**
 * Why a task reading an upload while it arrives ({@link UploadStream}) could not finish reading it.
 * Each reason is a stable problem type ({@code input-upload-<slug>}) the site sees on its task.
 */
public final class UploadStreamException extends IOException implements SecaimedFailure {
  public enum Reason {
    /** The owner abandoned the upload (its sealing failed, or a restart gave it up). */
    ABORTED("input-upload-aborted"),
    /** No part and no completion arrived within the stall timeout. */
    STALLED("input-upload-stalled"),
    /** What arrived does not add up to what the owner's signed completion names (length or SHA-256). */
    MISMATCH("input-upload-mismatch");

    private final String type;

    Reason(String type) {
      this.type = type;
    }

    /** The problem type slug. */
    public String type() {
      return type;
    }
  }

  private final Reason reason;

  public UploadStreamException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  @Override
  public String code() {
    return "INPUT_UPLOAD_" + reason.name();
  }
}
