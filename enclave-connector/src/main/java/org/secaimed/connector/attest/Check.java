package org.secaimed.connector.attest;

import java.util.Objects;

/**
 * One named check and its result.
 *
 * @param id stable machine name, e.g. {@code snp.report-signature}
 * @param description what was checked, in words a data-protection officer can read
 * @param status pass, fail or skipped (skipped = not applicable or not reachable after a failure)
 * @param detail why it failed or was skipped (never key material or patient data); may be empty
 */
public record Check(String id, String description, Status status, String detail) {
  public enum Status {
    PASS, FAIL, SKIPPED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public Check {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(status, "status");
    detail = detail == null ? "" : detail;
  }

  public boolean failed() {
    return status == Status.FAIL;
  }

  /** One line: "FAIL snp.report-signature: The report is signed by the AMD chip key (signature does not verify)". */
  public String line() {
    return status.name() + " " + id + ": " + description + (detail.isEmpty() ? "" : " (" + detail + ")");
  }
}
