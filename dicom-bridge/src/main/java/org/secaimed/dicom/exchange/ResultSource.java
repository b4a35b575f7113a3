package org.secaimed.dicom.exchange;

import java.io.IOException;
import java.io.InputStream;

/** Opens the same result payload again, from its first byte, on every call (e.g. decrypting the sealed copy again). */
@FunctionalInterface
public interface ResultSource {
  InputStream open() throws IOException;
}
