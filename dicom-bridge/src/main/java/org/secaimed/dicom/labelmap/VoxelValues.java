package org.secaimed.dicom.labelmap;

import java.nio.ByteBuffer;
import org.secaimed.dicom.labelmap.LabelMapException.Reason;

/** Converts a file's raw voxel array (any integer or float type) to labels 0..255, refusing anything else. */
final class VoxelValues {
  enum Type { INT8, UINT8, INT16, UINT16, INT32, UINT32, FLOAT32, FLOAT64;
    int bytes() {
      return switch (this) { case INT8, UINT8 -> 1; case INT16, UINT16 -> 2; case INT32, UINT32, FLOAT32 -> 4; case FLOAT64 -> 8; };
    }
  }

  private VoxelValues() {}

  static byte[] toLabels(ByteBuffer data, Type type, int count, double slope, double intercept, String source) throws LabelMapException {
    if (data.remaining() < (long) count * type.bytes()) {
      throw new LabelMapException(Reason.UNREADABLE, source + ": voxel data holds " + data.remaining() + " bytes, "
          + count + " voxels of " + type + " need " + (long) count * type.bytes());
    }
    byte[] out = new byte[count];
    boolean scaled = slope != 0 && (slope != 1 || intercept != 0);
    for (int i = 0; i < count; i++) {
      double v = switch (type) {
        case INT8 -> data.get();
        case UINT8 -> data.get() & 0xFF;
        case INT16 -> data.getShort();
        case UINT16 -> data.getShort() & 0xFFFF;
        case INT32 -> data.getInt();
        case UINT32 -> data.getInt() & 0xFFFFFFFFL;
        case FLOAT32 -> data.getFloat();
        case FLOAT64 -> data.getDouble();
      };
      if (scaled) v = v * slope + intercept;
      if (v < 0 || v > 255 || v != Math.rint(v)) {
        throw new LabelMapException(Reason.VALUE_OUT_OF_RANGE, source + ": voxel " + i + " has value " + v
            + "; a label map holds integer labels 0..255");
      }
      out[i] = (byte) (int) v;
    }
    return out;
  }
}
