package org.secaimed.dicom.exchange;

import org.secaimed.connector.SecaimedFailure;
import java.io.IOException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Reading one tar entry whole, with each payload format's own typed errors. */
final class TarEntries {
  private TarEntries() {}

  /** How a format names a malformed or a cut-off entry. */
  interface Errors {
    IOException malformed(String where, String message, Throwable cause);

    IOException truncated(String where, String message);
  }

  /**
   * The next entry's header, or null at the end. The layer beneath's typed failures (the opening
   * stream's) pass through; anything else becomes this format's own typed error.
   */
  static TarArchiveEntry nextEntry(TarArchiveInputStream tar, Errors errors) throws IOException {
    try {
      return tar.getNextEntry();
    } catch (java.io.EOFException e) {
      throw errors.truncated(null, "archive truncated inside an entry header");
    } catch (IOException e) {
      if (e instanceof SecaimedFailure) throw e;
      throw errors.malformed(null, "unreadable tar header: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw errors.malformed(null, "unreadable tar header: " + e.getMessage(), e);
    }
  }

  static byte[] readFully(TarArchiveInputStream tar, int size, String where, Errors errors) throws IOException {
    byte[] bytes = new byte[size];
    int off = 0;
    while (off < size) {
      int n;
      try {
        n = tar.read(bytes, off, size - off);
      } catch (IOException e) {
        // commons-compress reports a short entry as a plain IOException; ours and the sealing
        // layer's typed errors pass through unchanged.
        if (e instanceof SecaimedFailure) throw e;
        n = -1;
      } catch (RuntimeException e) {
        throw errors.malformed(where, "unreadable entry: " + e.getMessage(), e);
      }
      if (n < 0) throw errors.truncated(where, "entry ended after " + off + " of " + size + " bytes");
      off += n;
    }
    return bytes;
  }
}
