package org.secaimed.dicom.web;

import okhttp3.HttpUrl;

/** Makes URLs safe for messages and logs: query values may carry patient data, user info carries secrets. */
final class Redaction {
  private Redaction() {}

  static String url(HttpUrl url) {
    HttpUrl.Builder b = url.newBuilder().username("").password("").query(null);
    StringBuilder sb = new StringBuilder(b.build().toString());
    if (url.querySize() > 0) {
      sb.append('?');
      for (int i = 0; i < url.querySize(); i++) {
        if (i > 0) sb.append('&');
        String name = url.queryParameterName(i);
        sb.append(name);
        if (isHarmless(name)) sb.append('=').append(url.queryParameterValue(i));
        else sb.append("=…");
      }
    }
    return sb.toString();
  }

  // Paging and field selection never carry patient data; keeping them makes errors debuggable.
  private static boolean isHarmless(String name) {
    return name.equals("limit") || name.equals("offset") || name.equals("includefield") || name.equals("fuzzymatching");
  }
}
