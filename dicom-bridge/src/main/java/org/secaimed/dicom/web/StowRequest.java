package org.secaimed.dicom.web;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.RequestBody;
import okio.BufferedSink;
import okio.Okio;
import okio.Source;

/**
 * The instances of one STOW-RS request. Files are streamed from disk when the request is sent
 * (never loaded whole); in-memory datasets (a SEG the pipeline built) are encoded once as
 * Explicit VR Little Endian Part-10. Each part is identified up front by its File Meta header so
 * the server's answer can be mapped back to it.
 */
public final class StowRequest {
  static final MediaType APPLICATION_DICOM = MediaType.get("application/dicom");
  private static final MediaType MULTIPART_RELATED_DICOM = MediaType.get("multipart/related; type=\"application/dicom\"");

  /** Writes one whole Part-10 object to {@code out} without closing it. */
  @FunctionalInterface
  public interface Part10Writer {
    void writeTo(java.io.OutputStream out) throws IOException;
  }

  /** One instance to store: its label (file name or "dataset #n") and what its header says. */
  public record Part(int index, String label, String sopClassUid, String sopInstanceUid, long length) {}

  private final List<Part> parts;
  private final List<RequestBody> bodies;
  private final IntConsumer onPartSent;

  private StowRequest(Builder b) {
    this.parts = List.copyOf(b.parts);
    this.bodies = List.copyOf(b.bodies);
    this.onPartSent = b.onPartSent;
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<Part> parts() {
    return parts;
  }

  RequestBody toRequestBody() {
    MultipartBody.Builder mb = new MultipartBody.Builder().setType(MULTIPART_RELATED_DICOM);
    for (int i = 0; i < bodies.size(); i++) {
      RequestBody body = bodies.get(i);
      int index = i;
      mb.addPart(new RequestBody() {
        @Override
        public MediaType contentType() {
          return body.contentType();
        }

        @Override
        public long contentLength() throws IOException {
          return body.contentLength();
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
          body.writeTo(sink);
          if (onPartSent != null) onPartSent.accept(index);
        }
      });
    }
    return mb.build();
  }

  public static final class Builder {
    private final List<Part> parts = new ArrayList<>();
    private final List<RequestBody> bodies = new ArrayList<>();
    private IntConsumer onPartSent;

    /** Adds a Part-10 file (a bare dataset without File Meta is sent as is; its UID is then unknown). */
    public Builder addFile(Path file) throws IOException {
      if (!Files.isRegularFile(file)) throw new IOException("not a readable file: " + file);
      Part10Header h = Part10Header.read(file).orElse(null);
      long size = Files.size(file);
      parts.add(new Part(parts.size(), file.getFileName().toString(), h == null ? null : h.sopClassUid(), h == null ? null : h.sopInstanceUid(), size));
      bodies.add(dicomBody(size, sink -> {
        try (Source src = Okio.source(file)) {
          long n = sink.writeAll(src);
          if (n != size) throw new IOException(file + " changed size while being sent (" + size + " -> " + n + " bytes)");
        }
      }));
      return this;
    }

    /**
     * Adds a Part-10 object of {@code length} bytes that {@code writer} produces while the request
     * is sent (a SEG whose pixel data is made frame by frame): never whole in memory. STOW-RS is
     * never resent, but the writer must give the same bytes if it were.
     */
    public Builder addStreamed(String label, String sopClassUid, String sopInstanceUid, long length, Part10Writer writer) {
      parts.add(new Part(parts.size(), label, sopClassUid, sopInstanceUid, length));
      bodies.add(dicomBody(length, sink -> {
        long[] n = {0};
        java.io.OutputStream counted = new java.io.FilterOutputStream(sink.outputStream()) {
          @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); n[0] += len; }
          @Override public void write(int b) throws IOException { out.write(b); n[0]++; }
          @Override public void close() throws IOException { flush(); }
        };
        writer.writeTo(counted);
        counted.flush();
        if (n[0] != length) throw new IOException(label + " was " + n[0] + " bytes, announced " + length);
      }));
      return this;
    }

    /** What writes one part's body into the request. */
    private interface BodyWriter {
      void writeTo(BufferedSink sink) throws IOException;
    }

    /** An application/dicom part of {@code length} bytes, written by {@code writer} while the request is sent. */
    private static RequestBody dicomBody(long length, BodyWriter writer) {
      return new RequestBody() {
        @Override
        public MediaType contentType() {
          return APPLICATION_DICOM;
        }

        @Override
        public long contentLength() {
          return length;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
          writer.writeTo(sink);
        }
      };
    }

    /** Adds Part-10 bytes already in memory (e.g. a result decrypted from the enclave). */
    public Builder addBytes(byte[] part10, String label) throws IOException {
      Part10Header h = Part10Header.peek(new okio.Buffer().write(part10)).orElse(null);
      parts.add(new Part(parts.size(), label, h == null ? null : h.sopClassUid(), h == null ? null : h.sopInstanceUid(), part10.length));
      bodies.add(RequestBody.create(part10, APPLICATION_DICOM));
      return this;
    }

    /**
     * Adds an in-memory dataset, encoded as Explicit VR Little Endian Part-10. File Meta is added
     * to a copy when missing; the caller's list is not modified.
     */
    public Builder addDataset(AttributeList dataset) throws IOException {
      String sopInstance = Attribute.getSingleStringValueOrNull(dataset, TagFromName.SOPInstanceUID);
      String label = "dataset #" + (parts.size() + 1);
      if (sopInstance == null) throw new IllegalArgumentException(label + " has no SOPInstanceUID");
      try {
        AttributeList copy = new AttributeList();
        copy.putAll(dataset);
        copy.removeGroupLengthAttributes();
        copy.removeMetaInformationHeaderAttributes();
        FileMetaInformation.addFileMetaInformation(copy, TransferSyntax.ExplicitVRLittleEndian, "SECAIMED");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        copy.write(bytes, TransferSyntax.ExplicitVRLittleEndian, true, true);
        return addBytes(bytes.toByteArray(), label);
      } catch (DicomException e) {
        throw new IOException(label + " (SOP Instance " + sopInstance + ") cannot be encoded: " + e.getMessage(), e);
      }
    }

    /** Called with each part's index once its bytes are on the wire (for progress displays). */
    public Builder onPartSent(IntConsumer listener) {
      this.onPartSent = listener;
      return this;
    }

    public StowRequest build() {
      if (parts.isEmpty()) throw new IllegalArgumentException("a STOW request needs at least one instance");
      return new StowRequest(this);
    }
  }
}
