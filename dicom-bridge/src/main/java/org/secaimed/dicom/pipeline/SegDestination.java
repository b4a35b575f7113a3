package org.secaimed.dicom.pipeline;

import java.io.IOException;
import org.secaimed.dicom.seg.Segmentation;

/**
 * Where a finished SEG goes: Kaapana's CTP by C-STORE (so Kaapana indexes it), a PACS by STOW-RS,
 * or a folder. Storing the same SEG twice must not make two objects: SEG UIDs are deterministic,
 * and PACSs replace an instance stored again under the same SOP Instance UID.
 */
public interface SegDestination {
  /** Stores the SEG; returns a short description of where it went (no patient data). */
  String store(Segmentation seg) throws IOException;

  String describe();
}
