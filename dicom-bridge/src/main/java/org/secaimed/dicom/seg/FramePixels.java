package org.secaimed.dicom.seg;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;
import org.secaimed.dicom.volume.LabelSlices;

/**
 * A SEG's Pixel Data, produced frame by frame whenever it is needed — once into the content
 * digest that seeds the UIDs, once per write — so neither the label map nor the pixel data has to
 * be whole on the heap. Frames follow the frame plan: LABELMAP one per slice in slice order (one
 * pass over the labels); BINARY and FRACTIONAL segment-major (one pass per segment, stopping after
 * its last frame), BINARY bits one continuous stream across frames. The length is even: a pad byte
 * of 0 ends an odd one.
 */
final class FramePixels {
  private static final int CHUNK = 1 << 16;
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
  private static final long ONES = 0x0101010101010101L;

  private final SegmentationType type;
  private final List<int[]> frames; // {segment index, or -1 for LABELMAP; slice}
  private final int frameSize;
  private final LabelSlices labels; // or null: masks
  private final int[] segmentIndexOfLabel;
  private final List<byte[]> masks; // by segment index, or null: labels

  private FramePixels(SegmentationType type, List<int[]> frames, int frameSize, LabelSlices labels, int[] segmentIndexOfLabel,
      List<byte[]> masks) {
    this.type = type;
    this.frames = List.copyOf(frames);
    this.frameSize = frameSize;
    this.labels = labels;
    this.segmentIndexOfLabel = segmentIndexOfLabel == null ? null : segmentIndexOfLabel.clone();
    this.masks = masks == null ? null : List.copyOf(masks);
  }

  /** From a label map; {@code segmentIndexOfLabel[v]} is the segment index of label value v, or -1. */
  static FramePixels ofLabels(SegmentationType type, List<int[]> frames, int frameSize, LabelSlices labels, int[] segmentIndexOfLabel) {
    return new FramePixels(type, frames, frameSize, labels, segmentIndexOfLabel, null);
  }

  /** From one mask per segment index (slice-major over the source series). */
  static FramePixels ofMasks(SegmentationType type, List<int[]> frames, int frameSize, List<byte[]> masks) {
    return new FramePixels(type, frames, frameSize, null, null, masks);
  }

  /** Bytes of Pixel Data, pad byte included. */
  long length() {
    long n = frames.size();
    long bytes = type == SegmentationType.BINARY ? (n * frameSize + 7) / 8 : n * frameSize;
    return bytes + (bytes & 1);
  }

  /** Writes the Pixel Data value; does not close {@code out}. */
  void writeTo(OutputStream out) throws IOException {
    Sink sink = type == SegmentationType.BINARY ? new BitSink(out) : new ByteSink(out);
    if (type == SegmentationType.LABELMAP) {
      writeLabelmap(sink);
    } else {
      int i = 0;
      while (i < frames.size()) {
        int segment = frames.get(i)[0];
        int end = i;
        while (end < frames.size() && frames.get(end)[0] == segment) end++;
        writeSegment(sink, segment, frames.subList(i, end));
        i = end;
      }
    }
    sink.finish(length());
  }

  private void writeLabelmap(Sink sink) throws IOException {
    int last = frames.get(frames.size() - 1)[1];
    byte[] slice = new byte[frameSize];
    try (LabelSlices.Pass pass = labels.pass()) {
      int f = 0;
      for (int k = 0; k <= last; k++) {
        pass.next(slice);
        if (frames.get(f)[1] == k) {
          sink.bytes(slice);
          f++;
        }
      }
    }
  }

  /** The frames of one segment, in slice order. */
  private void writeSegment(Sink sink, int segment, List<int[]> ofSegment) throws IOException {
    byte[] frame = new byte[frameSize];
    if (masks != null) {
      byte[] m = masks.get(segment);
      for (int[] fr : ofSegment) {
        System.arraycopy(m, fr[1] * frameSize, frame, 0, frameSize);
        sink.mask(frame);
      }
      return;
    }
    int value = -1;
    for (int v = 1; v < 256; v++) if (segmentIndexOfLabel[v] == segment) value = v;
    byte[] slice = new byte[frameSize];
    try (LabelSlices.Pass pass = labels.pass()) {
      int k = 0;
      for (int[] fr : ofSegment) {
        while (k <= fr[1]) {
          pass.next(slice);
          k++;
        }
        if (value < 0) {
          java.util.Arrays.fill(frame, (byte) 0);
          sink.mask(frame);
        } else {
          sink.labelEquals(slice, value, frame);
        }
      }
    }
  }

  /**
   * Eight voxels from {@code p} on, compared with the label in every byte of {@code pattern}: bit 7
   * of byte i of the result is set exactly where voxel p + i holds the label (SWAR zero-byte test;
   * no carry crosses a byte, so there are no false matches).
   */
  private static long matches(byte[] slice, int p, long pattern) {
    long y = (long) LONGS.get(slice, p) ^ pattern;
    return ~(((y & LOW7) + LOW7) | y | LOW7);
  }

  /** Where frames go: 8-bit values as they are, or a mask as values (FRACTIONAL) or bits (BINARY). */
  private abstract static class Sink {
    final OutputStream out;
    final byte[] buf = new byte[CHUNK];
    int pos;
    long written;

    Sink(OutputStream out) {
      this.out = out;
    }

    /** A LABELMAP frame: the label values themselves. */
    void bytes(byte[] frame) throws IOException {
      for (int off = 0; off < frame.length; ) {
        int n = Math.min(frame.length - off, buf.length - pos);
        System.arraycopy(frame, off, buf, pos, n);
        pos += n;
        off += n;
        if (pos == buf.length) flush();
      }
    }

    /** A BINARY or FRACTIONAL frame from a mask: non-zero = inside (FRACTIONAL keeps the value). */
    abstract void mask(byte[] frame) throws IOException;

    /** The frame of the segment whose label is {@code value}: inside where {@code slice} holds it ({@code scratch}: a frame's room). */
    void labelEquals(byte[] slice, int value, byte[] scratch) throws IOException {
      byte v = (byte) value;
      for (int p = 0; p < slice.length; p++) scratch[p] = slice[p] == v ? (byte) 0xFF : 0;
      mask(scratch);
    }

    void put(int b) throws IOException {
      buf[pos++] = (byte) b;
      if (pos == buf.length) flush();
    }

    void flush() throws IOException {
      out.write(buf, 0, pos);
      written += pos;
      pos = 0;
    }

    void finish(long length) throws IOException {
      if ((written + pos) % 2 == 1) put(0);
      flush();
      if (written != length) throw new IllegalStateException("wrote " + written + " bytes of pixel data, planned " + length);
    }
  }

  private static final class ByteSink extends Sink {
    ByteSink(OutputStream out) {
      super(out);
    }

    @Override
    void mask(byte[] frame) throws IOException {
      bytes(frame);
    }

    @Override
    void labelEquals(byte[] slice, int value, byte[] scratch) throws IOException {
      if (slice.length % 8 != 0) {
        super.labelEquals(slice, value, scratch);
        return;
      }
      long pattern = value * ONES;
      for (int p = 0; p < slice.length; p += 8) LONGS.set(scratch, p, ((matches(slice, p, pattern) >>> 7) & ONES) * 0xFF);
      bytes(scratch);
    }
  }

  /** BINARY: bit i of the stream is bit (i mod 8) of byte i / 8, frames back to back. */
  private static final class BitSink extends Sink {
    private int acc;
    private int bits;

    BitSink(OutputStream out) {
      super(out);
    }

    @Override
    void bytes(byte[] frame) {
      throw new IllegalStateException("BINARY frames are masks");
    }

    @Override
    void mask(byte[] frame) throws IOException {
      for (byte v : frame) {
        if (v != 0) acc |= 1 << bits;
        if (++bits == 8) {
          put(acc);
          acc = 0;
          bits = 0;
        }
      }
    }

    /** Byte-aligned frames (rows x columns a multiple of 8, as in every CT and MR matrix) take eight voxels per step. */
    @Override
    void labelEquals(byte[] slice, int value, byte[] scratch) throws IOException {
      if (bits != 0 || slice.length % 8 != 0) {
        super.labelEquals(slice, value, scratch);
        return;
      }
      long pattern = value * ONES;
      for (int p = 0; p < slice.length; p += 8) {
        // Bit 7 of byte i moves to bit i: DICOM packs the first pixel into the lowest bit.
        put((int) ((((matches(slice, p, pattern) >>> 7) & ONES) * 0x0102040810204080L) >>> 56));
      }
    }

    @Override
    void finish(long length) throws IOException {
      if (bits > 0) put(acc);
      acc = 0;
      bits = 0;
      super.finish(length);
    }
  }
}
