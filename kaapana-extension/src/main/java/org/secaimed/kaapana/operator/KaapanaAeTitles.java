package org.secaimed.kaapana.operator;

import org.secaimed.connector.io.Digests;
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

  /**
   * {@code kp-<name>} when it fits; otherwise {@code kp-<first 6>-<6 hex of SHA-256(name)>}
   * (16 characters): deterministic, so every run of one workflow files under one dataset, and
   * distinct names stay apart (DCMTK, which Kaapana's DcmSend uses, would cut at 16 and merge them).
   */
  public static AeTitle derived(String name) {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("no name to derive the calling AE title from");
    String clean = name.trim().replaceAll("[^A-Za-z0-9._-]", "-");
    if (PREFIX.length() + clean.length() <= AeTitle.MAX_LENGTH && clean.equals(name)) return new AeTitle(PREFIX + clean);
    String head = clean.substring(0, Math.min(6, clean.length())).replaceAll("-+$", "");
    return new AeTitle(PREFIX + head + "-" + Digests.hex(sha256(name)).substring(0, 6));
  }

  private static byte[] sha256(String s) {
    return Digests.sha256(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
