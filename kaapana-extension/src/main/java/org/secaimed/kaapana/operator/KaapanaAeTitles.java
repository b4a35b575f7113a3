package org.secaimed.kaapana.operator;

import org.secaimed.dicom.dimse.AeTitle;

/**
 * The AE titles of a C-STORE into Kaapana's CTP. CTP writes the called AE into (0012,0020) and
 * the calling AE into (0012,0010); the incoming-DICOM DAG strips the {@code kp-} prefix and files
 * the series under project = called, dataset = calling. Without the prefix Kaapana falls back to
 * project "admin" and a timestamp dataset, so both carry it.
 */
public record KaapanaAeTitles(AeTitle calling, AeTitle called) {
  public static final String PREFIX = "kp-";

  /** {@code kp-<dataset>} calls {@code kp-<project>}; each must fit the 16-character limit. */
  public static KaapanaAeTitles forDatasetAndProject(String dataset, String project) {
    return new KaapanaAeTitles(prefixed(dataset, "dataset"), prefixed(project, "project"));
  }

  private static AeTitle prefixed(String name, String what) {
    if (name == null || name.isBlank()) throw new IllegalArgumentException(what + " name is empty");
    try {
      return new AeTitle(PREFIX + name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " '" + name + "': " + e.getMessage(), e);
    }
  }
}
