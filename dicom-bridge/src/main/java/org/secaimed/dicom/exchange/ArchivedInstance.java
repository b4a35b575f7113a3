package org.secaimed.dicom.exchange;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

/** One DICOM instance read back from a study archive, already checked against its digest. */
public final class ArchivedInstance {
  private final InstanceRecord record;
  private final byte[] bytes;

  ArchivedInstance(InstanceRecord record, byte[] bytes) {
    this.record = record;
    this.bytes = bytes;
  }

  public InstanceRecord record() {
    return record;
  }

  public String sopInstanceUid() {
    return record.sopInstanceUid();
  }

  /** The instance's Part 10 bytes (a copy). */
  public byte[] bytes() {
    return bytes.clone();
  }

  public InputStream openStream() {
    return new ByteArrayInputStream(bytes);
  }

  @Override
  public String toString() {
    return "ArchivedInstance[" + record.sopInstanceUid() + ", " + record.length() + " bytes]";
  }
}
