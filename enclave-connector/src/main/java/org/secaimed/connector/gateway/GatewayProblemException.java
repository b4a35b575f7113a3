package org.secaimed.connector.gateway;

/** The gateway answered with an RFC 9457 problem; {@link #type()} is its stable type URI. */
public final class GatewayProblemException extends GatewayException {
  private static final long serialVersionUID = 1L;
  private final String type;
  private final int status;

  public GatewayProblemException(String operation, String type, int status, String title, String detail) {
    super(operation + ": HTTP " + status + " " + (title == null ? "" : title) + (detail == null ? "" : " (" + detail + ")")
        + (type == null ? "" : " [" + type + "]"));
    this.type = type;
    this.status = status;
  }

  public String type() {
    return type;
  }

  public int status() {
    return status;
  }

  /** The rule the problem names: the type URI's last path segment (e.g. {@code licence-runs-exceeded}), or null. */
  public String slug() {
    return type == null ? null : type.substring(type.lastIndexOf('/') + 1);
  }

  /** True when the type URI ends with {@code /<slug>}, e.g. {@code isType("upload-incomplete")}. */
  public boolean isType(String slug) {
    return type != null && type.endsWith("/" + slug);
  }

  @Override
  public String code() {
    return "GATEWAY_REFUSED";
  }
}
