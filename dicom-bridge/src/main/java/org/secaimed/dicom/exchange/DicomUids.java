package org.secaimed.dicom.exchange;

import java.util.regex.Pattern;

/** DICOM UID syntax (PS3.5 §9.1): digits and dots, no leading zeros in a component, at most 64 chars. */
final class DicomUids {
  private static final Pattern UID = Pattern.compile("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*");

  private DicomUids() {}

  static boolean isValid(String uid) {
    return uid != null && uid.length() <= 64 && UID.matcher(uid).matches();
  }
}
