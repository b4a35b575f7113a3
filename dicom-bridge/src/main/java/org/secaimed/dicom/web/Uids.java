package org.secaimed.dicom.web;

/** UID syntax checks (PS3.5 9.1): digits and dots, at most 64 characters. They also keep UIDs from injecting URL path segments. */
public final class Uids {
  private Uids() {}

  public static String require(String uid, String field) {
    if (uid == null || uid.isEmpty()) throw new IllegalArgumentException(field + " is required");
    if (uid.length() > 64 || !uid.matches("[0-9]+(\\.[0-9]+)*"))
      throw new IllegalArgumentException(field + " is not a valid DICOM UID: '" + uid + "'");
    return uid;
  }
}
