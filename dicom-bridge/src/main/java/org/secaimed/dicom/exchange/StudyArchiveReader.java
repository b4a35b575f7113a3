package org.secaimed.dicom.exchange;

import org.secaimed.connector.io.Digests;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.secaimed.dicom.exchange.StudyArchiveException.Reason;

/**
 * Reads a study archive one instance at a time (enclave side, straight from an opening stream).
 * Each instance is hashed as it is read; when the manifest arrives every digest, length, UID and
 * the order must match it exactly. Until {@link #next()} has returned {@code null} the study is not
 * known to be complete, so callers commit nothing before that ({@link #readAll} does this for them).
 */
public final class StudyArchiveReader implements AutoCloseable {
  /** Default cap on one instance; a 512x512 CT slice is 0.5 MB, a large enhanced multi-frame a few hundred. */
  public static final long DEFAULT_MAX_INSTANCE_BYTES = 1L << 30;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TarArchiveInputStream tar;
  private final long maxInstanceBytes;
  private final List<InstanceRecord> seen = new ArrayList<>();
  private final Set<String> uids = new HashSet<>();
  private StudyManifest manifest;

  private StudyArchiveReader(InputStream source, long maxInstanceBytes) throws IOException {
    this.tar = new TarArchiveInputStream(source, java.nio.charset.StandardCharsets.UTF_8.name());
    this.maxInstanceBytes = maxInstanceBytes;
    TarArchiveEntry first = nextEntry();
    if (first == null || !StudyArchiveFormat.FORMAT_ENTRY.equals(first.getName())) {
      throw new StudyArchiveException(Reason.NOT_A_STUDY_ARCHIVE, null, "first entry is not " + StudyArchiveFormat.FORMAT_ENTRY);
    }
    JsonNode marker = readJson(first, StudyArchiveFormat.FORMAT_ENTRY);
    if (!StudyArchiveFormat.FORMAT_NAME.equals(marker.path("format").asText())
        || marker.path("version").asInt(-1) != StudyArchiveFormat.VERSION) {
      throw new StudyArchiveException(Reason.NOT_A_STUDY_ARCHIVE, "format", "unsupported format marker " + marker);
    }
  }

  public static StudyArchiveReader open(InputStream source) throws IOException {
    return new StudyArchiveReader(source, DEFAULT_MAX_INSTANCE_BYTES);
  }

  public static StudyArchiveReader open(InputStream source, long maxInstanceBytes) throws IOException {
    return new StudyArchiveReader(source, maxInstanceBytes);
  }

  /** Reads every instance into {@code sink} in order and returns the verified manifest. */
  public static StudyManifest readAll(InputStream source, InstanceSink sink) throws IOException {
    try (StudyArchiveReader reader = open(source)) {
      for (ArchivedInstance i = reader.next(); i != null; i = reader.next()) sink.accept(i);
      return reader.manifest();
    }
  }

  /** Receives instances; may throw to abort reading. */
  @FunctionalInterface
  public interface InstanceSink {
    void accept(ArchivedInstance instance) throws IOException;
  }

  /**
   * The next instance, or {@code null} once the manifest has been read and matched; throws
   * {@link StudyArchiveException} for anything that deviates from what the writer produced.
   */
  public ArchivedInstance next() throws IOException {
    if (manifest != null) return null;
    TarArchiveEntry entry = nextEntry();
    if (entry == null) {
      throw new StudyArchiveException(Reason.TRUNCATED, null, "archive ended after " + seen.size() + " instances without a manifest");
    }
    String name = entry.getName();
    if (StudyArchiveFormat.MANIFEST_ENTRY.equals(name)) {
      manifest = checkManifest(readJson(entry, name));
      return null;
    }
    if (!name.startsWith(StudyArchiveFormat.INSTANCE_PREFIX) || !entry.isFile()) {
      throw new StudyArchiveException(Reason.MALFORMED_ENTRY, name, "unexpected entry");
    }
    String uid = entry.getExtraPaxHeader(StudyArchiveFormat.PAX_SOP_INSTANCE_UID);
    if (!DicomUids.isValid(uid)) {
      throw new StudyArchiveException(Reason.MALFORMED_ENTRY, name, "missing or invalid SOP Instance UID header");
    }
    if (!uids.add(uid)) throw new StudyArchiveException(Reason.DUPLICATE_INSTANCE, uid, "instance appears twice");
    long size = entry.getSize();
    if (size > maxInstanceBytes || size > Integer.MAX_VALUE - 16) {
      throw new StudyArchiveException(Reason.INSTANCE_TOO_LARGE, uid, size + " bytes exceeds limit " + maxInstanceBytes);
    }
    byte[] bytes = readFully(uid, (int) size);
    InstanceRecord record = new InstanceRecord(uid, Digests.sha256Hex(bytes), size);
    seen.add(record);
    return new ArchivedInstance(record, bytes);
  }

  /** The verified manifest; only available after {@link #next()} returned {@code null}. */
  public StudyManifest manifest() {
    if (manifest == null) throw new IllegalStateException("manifest not yet reached: read until next() returns null");
    return manifest;
  }

  /** Instances read so far, with the digests this reader computed. */
  public List<InstanceRecord> seen() {
    return List.copyOf(seen);
  }

  @Override
  public void close() throws IOException {
    tar.close();
  }

  private StudyManifest checkManifest(JsonNode body) throws StudyArchiveException {
    JsonNode lines = body.path("instances");
    if (!lines.isArray() || body.path("instanceCount").asInt(-1) != lines.size()) {
      throw new StudyArchiveException(Reason.MALFORMED_ENTRY, StudyArchiveFormat.MANIFEST_ENTRY, "instances/instanceCount malformed");
    }
    List<InstanceRecord> listed = new ArrayList<>();
    Set<String> listedUids = new HashSet<>();
    for (JsonNode line : lines) {
      InstanceRecord r;
      try {
        r = new InstanceRecord(line.path("sopInstanceUid").asText(null), line.path("sha256").asText(null), line.path("length").asLong(-1));
      } catch (RuntimeException e) {
        throw new StudyArchiveException(Reason.MALFORMED_ENTRY, StudyArchiveFormat.MANIFEST_ENTRY, "bad line " + line.path("sopInstanceUid").asText("?") + ": " + e.getMessage());
      }
      if (!listedUids.add(r.sopInstanceUid())) {
        throw new StudyArchiveException(Reason.DUPLICATE_INSTANCE, r.sopInstanceUid(), "listed twice in manifest");
      }
      listed.add(r);
    }
    for (int i = 0; i < Math.max(listed.size(), seen.size()); i++) {
      if (i >= seen.size()) {
        throw new StudyArchiveException(Reason.MISSING_INSTANCE, listed.get(i).sopInstanceUid(), "listed in manifest but not in archive");
      }
      InstanceRecord got = seen.get(i);
      if (i >= listed.size() || !listedUids.contains(got.sopInstanceUid())) {
        throw new StudyArchiveException(Reason.UNLISTED_INSTANCE, got.sopInstanceUid(), "in archive but not in manifest");
      }
      InstanceRecord want = listed.get(i);
      if (!want.sopInstanceUid().equals(got.sopInstanceUid())) {
        throw new StudyArchiveException(Reason.UNLISTED_INSTANCE, got.sopInstanceUid(), "out of manifest order (expected " + want.sopInstanceUid() + ")");
      }
      if (want.length() != got.length() || !want.sha256().equals(got.sha256())) {
        throw new StudyArchiveException(Reason.TAMPERED_INSTANCE, got.sopInstanceUid(), "bytes do not match the manifest's SHA-256/length");
      }
    }
    if (nextEntryOrNull() != null) {
      throw new StudyArchiveException(Reason.MALFORMED_ENTRY, StudyArchiveFormat.MANIFEST_ENTRY, "entries after the manifest");
    }
    return new StudyManifest(listed);
  }

  private TarArchiveEntry nextEntryOrNull() throws StudyArchiveException {
    try {
      return nextEntry();
    } catch (StudyArchiveException e) {
      throw e;
    } catch (IOException e) {
      throw new StudyArchiveException(Reason.MALFORMED_ENTRY, null, "unreadable trailer: " + e.getMessage(), e);
    }
  }

  private TarArchiveEntry nextEntry() throws IOException {
    return TarEntries.nextEntry(tar, ERRORS);
  }

  private static final TarEntries.Errors ERRORS = new TarEntries.Errors() {
    @Override
    public IOException malformed(String where, String message, Throwable cause) {
      return new StudyArchiveException(Reason.MALFORMED_ENTRY, where, message, cause);
    }

    @Override
    public IOException truncated(String where, String message) {
      return new StudyArchiveException(Reason.TRUNCATED, where, message);
    }
  };

  private byte[] readFully(String where, int size) throws IOException {
    return TarEntries.readFully(tar, size, where, ERRORS);
  }

  private JsonNode readJson(TarArchiveEntry entry, String where) throws IOException {
    if (entry.getSize() > (1 << 26)) throw new StudyArchiveException(Reason.MALFORMED_ENTRY, where, "too large");
    byte[] bytes = readFully(where, (int) entry.getSize());
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new StudyArchiveException(Reason.MALFORMED_ENTRY, where, "not JSON", e);
    }
  }
}
