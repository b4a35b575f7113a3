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
      bodies.add(new RequestBody() {
        @Override
        public MediaType contentType() {
          return APPLICATION_DICOM;
        }

        @Override
        public long contentLength() {
          return size;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
          try (Source src = Okio.source(file)) {
            long n = sink.writeAll(src);
            if (n != size) throw new IOException(file + " changed size while being sent (" + size + " -> " + n + " bytes)");
          }
        }
      });
      return this;
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
