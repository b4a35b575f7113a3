package org.secaimed.connector.gateway;

/**
 * A task result, its receipt, a log proof or a checkpoint failed verification. Nothing was
 * opened or written; {@link #step()} names what failed (result-digest, receipt, inclusion, ...).
 */
public final class ResultVerificationException extends GatewayException {
  private static final long serialVersionUID = 1L;
  private final String step;

  public ResultVerificationException(String step, String message, Throwable cause) {
    super(step + ": " + message, cause);
    this.step = step;
  }

  public String step() {
    return step;
  }

  @Override
  public String code() {
    return "RESULT_NOT_VERIFIED";
  }
}
