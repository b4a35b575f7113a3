package org.secaimed.onnx;

import org.secaimed.connector.SecaimedFailure;

/** A provider model that cannot be loaded or run; {@link #reason()} is stable, the message names the field or slice. */
public final class OnnxModelException extends Exception implements SecaimedFailure {
  private static final long serialVersionUID = 1L;

  public enum Reason {
    /** The bytes are not an ONNX model the runtime accepts. */
    BAD_MODEL,
    /** The model's inputs or outputs disagree with its manifest. */
    MODEL_MISMATCH,
    /** The image cannot be given to this model (modality, size). */
    BAD_INPUT,
    /** The runtime failed while running the model. */
    INFERENCE_FAILED,
    /** The task was cancelled between slices. */
    INTERRUPTED
  }

  private final Reason reason;

  public OnnxModelException(Reason reason, String message) {
    this(reason, message, null);
  }

  public OnnxModelException(Reason reason, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  @Override
  public String code() {
    return reason.name();
  }
}
