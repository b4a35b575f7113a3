package org.secaimed.connector.gateway;

/** No usable answer from the gateway (connection failures, timeouts) after the allowed retries. */
public final class GatewayTransportException extends GatewayException {
  private static final long serialVersionUID = 1L;

  public GatewayTransportException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public String code() {
    return "GATEWAY_UNREACHABLE";
  }
}
