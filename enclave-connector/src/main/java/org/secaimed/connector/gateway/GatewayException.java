package org.secaimed.connector.gateway;

import org.secaimed.connector.SecaimedFailure;

/**
 * A gateway call failed. Subclasses say how: {@link GatewayProblemException} (the gateway answered
 * with an RFC 9457 problem), {@link GatewayTransportException} (no usable answer after retries),
 * {@link AttestationRefusedException} (the enclave is not trusted: nothing was sent),
 * {@link ResultVerificationException} (a result, receipt, proof or checkpoint did not verify:
 * nothing was opened).
 */
public class GatewayException extends Exception implements SecaimedFailure {
  private static final long serialVersionUID = 1L;

  public GatewayException(String message) {
    super(message);
  }

  public GatewayException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public String code() {
    return "GATEWAY_FAILED";
  }
}
