package org.secaimed.dicom.geometry;

import java.util.Arrays;

/**
 * One source slice of a series as a SEG must reference it: the instance, the frame within it
 * (1-based; 0 for a single-frame instance, which has no Referenced Frame Number) and where it sits.
 *
 * @param sopClassUid SOP Class UID of the instance
 * @param sopInstanceUid SOP Instance UID of the instance
 * @param frameNumber 1-based frame of an enhanced multi-frame instance, 0 for single-frame
 * @param position Image Position (Patient), LPS mm
 * @param positionText the same as the source encoded it (DS strings), so a SEG can repeat it verbatim
 * @param source where it came from (file name or stream position), for error messages
 */
public record SourceFrame(
    String sopClassUid, String sopInstanceUid, int frameNumber, double[] position, String[] positionText, String source) {

  public SourceFrame {
    position = position.clone();
    positionText = positionText.clone();
  }

  @Override
  public double[] position() { return position.clone(); }

  @Override
  public String[] positionText() { return positionText.clone(); }

  /** Names the frame in messages: "UID" or "UID frame N". */
  public String describe() {
    return frameNumber == 0 ? sopInstanceUid : sopInstanceUid + " frame " + frameNumber;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceFrame f && f.sopInstanceUid.equals(sopInstanceUid) && f.frameNumber == frameNumber
        && f.sopClassUid.equals(sopClassUid) && Arrays.equals(f.position, position);
  }

  @Override
  public int hashCode() { return sopInstanceUid.hashCode() * 31 + frameNumber; }
}
