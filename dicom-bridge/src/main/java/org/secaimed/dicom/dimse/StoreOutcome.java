package org.secaimed.dicom.dimse;

/** The C-STORE result for one instance: {@code source} is the file name or dataset label. */
public record StoreOutcome(String source, String sopInstanceUid, boolean stored, boolean warning) {}
