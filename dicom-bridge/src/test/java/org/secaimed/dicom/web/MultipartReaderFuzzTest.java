package org.secaimed.dicom.web;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import okio.Buffer;

/**
 * Jazzer target for the WADO-RS multipart/related reader: any response body yields parts or an
 * IOException (ProtocolException for a malformed body); nothing else. {@code scripts/fuzz} fuzzes it.
 */
class MultipartReaderFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void multipartRelated(byte[] data) {
    try (MultipartRelatedReader r = new MultipartRelatedReader(new Buffer().write(data), "b0undary")) {
      for (MultipartRelatedReader.Part p = r.nextPart(); p != null; p = r.nextPart()) {
        p.body().readByteArray();
      }
    } catch (IOException expected) {
      // typed refusal is the contract
    }
  }
}
