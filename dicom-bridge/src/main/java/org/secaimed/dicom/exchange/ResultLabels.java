package org.secaimed.dicom.exchange;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.secaimed.connector.SecaimedFailure;
import org.secaimed.connector.io.Digests;
import org.secaimed.dicom.exchange.ResultPayloadException.Reason;
import org.secaimed.dicom.volume.ImageGeometry;
import org.secaimed.dicom.volume.LabelSlices;

/**
 * The label map of a result payload, inflated slice by slice from the labels entry each time a
 * pass starts: the result is opened again from its source, so only one slice (and the inflater's
 * window) is on the heap. A pass that reaches the last slice checks that the labels end there and
 * that their SHA-256 is the one result.json states, as {@link ResultPayloads#read} does.
 */
final class ResultLabels implements LabelSlices {
  private final ResultSource source;
  private final ImageGeometry geometry;
  private final String sha256;

  ResultLabels(ResultSource source, ImageGeometry geometry, String sha256) {
    this.source = source;
    this.geometry = geometry;
    this.sha256 = sha256;
  }

  @Override
  public ImageGeometry geometry() {
    return geometry;
  }

  @Override
  public LabelPass pass() throws IOException {
    InputStream in = source.open();
    try {
      TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
      TarArchiveEntry first = ResultPayloads.nextEntry(tar);
      if (first == null || !ResultPayloads.RESULT_ENTRY.equals(first.getName())) {
        throw new ResultPayloadException(Reason.NOT_A_RESULT, null, "first entry is not " + ResultPayloads.RESULT_ENTRY);
      }
      return new LabelPass(tar, in);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** A pass over the labels entry that comes next in {@code tar}; closing it leaves {@code tar} open. */
  LabelPass passOver(TarArchiveInputStream tar) throws IOException {
    return new LabelPass(tar, null);
  }

  final class LabelPass implements Pass {
    private final GZIPInputStream inflated;
    private final Closeable owner;
    private final MessageDigest md = Digests.sha256();
    private final int frameSize = geometry.frameSize();
    private int read;

    private LabelPass(TarArchiveInputStream tar, Closeable owner) throws IOException {
      this.owner = owner;
      ResultPayloads.labelsEntry(tar, geometry.voxelCount());
      GZIPInputStream gz;
      try {
        gz = new GZIPInputStream(tar, 1 << 16);
      } catch (IOException e) {
        throw notGzip(e);
      }
      this.inflated = gz;
    }

    @Override
    public void next(byte[] slice) throws IOException {
      if (read == geometry.slices()) throw new IllegalStateException("past the last slice");
      int n;
      try {
        n = inflated.readNBytes(slice, 0, frameSize);
      } catch (IOException e) {
        throw notGzip(e);
      }
      if (n < frameSize) {
        throw new ResultPayloadException(Reason.LABELS_MISMATCH, ResultPayloads.LABELS_ENTRY,
            "inflates to " + ((long) read * frameSize + n) + " bytes, expected " + geometry.voxelCount());
      }
      md.update(slice, 0, frameSize);
      if (++read == geometry.slices()) finish();
    }

    /** Reads every slice, copying each into {@code keep} unless it is null; returns which label values occur. */
    boolean[] readAllCheckingDigest(byte[] keep) throws IOException {
      boolean[] present = new boolean[256];
      byte[] slice = new byte[frameSize];
      while (read < geometry.slices()) {
        int k = read;
        next(slice);
        for (int p = 0; p < frameSize; p++) present[slice[p] & 0xFF] = true;
        if (keep != null) System.arraycopy(slice, 0, keep, k * frameSize, frameSize);
      }
      return present;
    }

    private void finish() throws IOException {
      int more;
      try {
        more = inflated.read();
      } catch (IOException e) {
        throw notGzip(e);
      }
      if (more >= 0) {
        throw new ResultPayloadException(Reason.LABELS_MISMATCH, ResultPayloads.LABELS_ENTRY, "inflates to more than " + geometry.voxelCount() + " bytes");
      }
      if (!Digests.hex(md).equals(sha256)) {
        throw new ResultPayloadException(Reason.LABELS_MISMATCH, ResultPayloads.LABELS_ENTRY, "SHA-256 does not match result.json");
      }
    }

    @Override
    public void close() throws IOException {
      if (owner != null) owner.close();
    }
  }

  /** The opening stream's typed failures pass through; anything else the inflater says means the entry is not gzip. */
  private static IOException notGzip(IOException e) {
    if (e instanceof SecaimedFailure) return e;
    return new ResultPayloadException(Reason.MALFORMED, ResultPayloads.LABELS_ENTRY, "not gzip: " + e.getMessage(), e);
  }
}
