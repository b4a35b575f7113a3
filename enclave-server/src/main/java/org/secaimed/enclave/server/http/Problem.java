package org.secaimed.enclave.server.http;

/**
 * An RFC 9457 problem the gateway answers with. {@code slug} becomes the stable type URI
 * {@value #TYPE_PREFIX}{@code <slug>}; the detail names the field or part, never patient data.
 */
public final class Problem extends RuntimeException {
  private static final long serialVersionUID = 1L;
  public static final String TYPE_PREFIX = "https://secaimed.org/problems/";

  private final String slug;
  private final int status;
  private final String title;

  public Problem(String slug, int status, String title, String detail) {
    super(detail);
    this.slug = slug;
    this.status = status;
    this.title = title;
  }

  public static Problem badRequest(String detail) {
    return new Problem("bad-request", 400, "Bad request", detail);
  }

  public static Problem notFound(String detail) {
    return new Problem("not-found", 404, "Not found", detail);
  }

  public static Problem conflict(String slug, String title, String detail) {
    return new Problem(slug, 409, title, detail);
  }

  /** A protocol v2 refusal: the problem type names the rule (docs/gateway-protocol.md, "Enforcement order"). */
  public static Problem refused(org.secaimed.connector.party.RequestRefusedException e) {
    return new Problem(e.rule().slug(), e.rule().status(), e.rule().status() == 401 ? "Request not authenticated" : "Refused by usage policy",
        e.getMessage());
  }

  public String type() {
    return TYPE_PREFIX + slug;
  }

  public String slug() {
    return slug;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }
}
