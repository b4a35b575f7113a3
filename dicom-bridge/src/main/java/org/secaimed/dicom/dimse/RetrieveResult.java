package org.secaimed.dicom.dimse;

import java.nio.file.Path;
import java.util.List;

/** Instances a C-GET received: where each file was written and its SOP Instance UID. */
public record RetrieveResult(List<Received> received) {
  public record Received(Path file, String sopInstanceUid, String transferSyntaxUid) {}

  public RetrieveResult {
    received = List.copyOf(received);
  }

  public int count() {
    return received.size();
  }
}
