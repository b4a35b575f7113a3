package org.secaimed.dicom.web;

import org.secaimed.connector.FailureMessages;
import java.io.IOException;
import java.io.InputStream;
import okhttp3.MediaType;
import okhttp3.Response;

/**
 * A WADO-RS multipart/related response read one instance at a time. Nothing is buffered
 * beyond OkHttp's small segment pool: each instance's bytes flow from the socket to whoever
 * reads {@link #body()}, so a series larger than the heap can be hashed and sealed without
 * ever being held in memory or written to disk.
 *
 * <pre>{@code
 * try (InstanceStream s = client.retrieveSeries(study, series)) {
 *   while (s.next()) {
 *     String ts = s.transferSyntaxUid();      // what the server actually sent
 *     try (InputStream in = s.body()) { ... } // valid until next() or close()
 *   }
 * }
 * }</pre>
 *
 * Failures (a truncated response, a part that is not application/dicom) raise
 * {@link DicomWebException} naming the part; the caller must then discard what it consumed.
 */
public final class InstanceStream implements AutoCloseable {
  private final Response response;
  private final MultipartRelatedReader reader;
  private final String method;
  private final String redactedUrl;
  private MultipartRelatedReader.Part part;
  private Part10Header header;
  private String contentType;
  private long contentLength;
  private int index = -1;
  private boolean finished;

  InstanceStream(Response response, String redactedUrl) throws IOException {
    this.response = response;
    this.method = response.request().method();
    this.redactedUrl = redactedUrl;
    MediaType type = response.body().contentType();
    if (type == null || !"multipart".equals(type.type()) || type.parameter("boundary") == null) {
      response.close();
      throw new DicomWebException(method, redactedUrl, response.code(), null,
          "expected a multipart/related response with a boundary, got " + (type == null ? "no Content-Type" : type.toString()), null);
    }
    this.reader = new MultipartRelatedReader(response.body().source(), type.parameter("boundary"));
  }

  /** Advances to the next instance; false when the response holds no more parts. */
  public boolean next() throws IOException {
    if (finished) return false;
    try {
      part = reader.nextPart();
    } catch (DicomWebException e) {
      throw e;
    } catch (IOException e) {
      throw fail("the response ended or broke before part " + (index + 2) + " (" + describe(e) + ")", e);
    }
    if (part == null) {
      finished = true;
      return false;
    }
    index++;
    contentType = part.headers().get("Content-Type");
    MediaType mt = contentType == null ? null : MediaType.parse(contentType);
    if (mt == null || !"application".equals(mt.type()) || !"dicom".equals(mt.subtype()))
      throw fail("part " + (index + 1) + " has Content-Type " + contentType + ", expected application/dicom", null);
    String len = part.headers().get("Content-Length");
    try {
      contentLength = len == null ? -1 : Long.parseLong(len.trim());
    } catch (NumberFormatException e) {
      contentLength = -1;
    }
    try {
      header = Part10Header.peek(part.body()).orElse(null);
    } catch (IOException e) {
      throw fail("the response ended or broke inside part " + (index + 1) + " (" + describe(e) + ")", e);
    }
    return true;
  }

  /** The part's Content-Type header as sent. */
  public String contentType() {
    requirePart();
    return contentType;
  }

  /**
   * The transfer syntax of the current instance: the part's {@code transfer-syntax} parameter
   * when present, else the File Meta Information's; null when neither says.
   */
  public String transferSyntaxUid() {
    requirePart();
    MediaType mt = MediaType.parse(contentType);
    String fromHeader = mt == null ? null : mt.parameter("transfer-syntax");
    if (fromHeader != null && !fromHeader.isBlank() && !"*".equals(fromHeader)) return fromHeader;
    return header == null ? null : header.transferSyntaxUid();
  }

  /** The SOP Instance UID from the File Meta Information, or null for a bare dataset. */
  public String sopInstanceUid() {
    requirePart();
    return header == null ? null : header.sopInstanceUid();
  }

  public String sopClassUid() {
    requirePart();
    return header == null ? null : header.sopClassUid();
  }

  /** The part's Content-Length, or -1 when the server did not send one. */
  public long contentLength() {
    requirePart();
    return contentLength;
  }

  /** 0-based position of the current instance in the response. */
  public int index() {
    requirePart();
    return index;
  }

  /**
   * The current instance's Part-10 bytes. Valid until {@link #next()} or {@link #close()};
   * whatever is not read is skipped by {@code next()}. Closing it does not close the response.
   */
  public InputStream body() {
    requirePart();
    InputStream raw = part.body().inputStream();
    return new InputStream() {
      @Override
      public int read() throws IOException {
        try {
          return raw.read();
        } catch (IOException e) {
          throw fail("reading part " + (index + 1) + " failed (" + describe(e) + ")", e);
        }
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return raw.read(b, off, len);
        } catch (IOException e) {
          throw fail("reading part " + (index + 1) + " failed (" + describe(e) + ")", e);
        }
      }

      @Override
      public int available() throws IOException {
        return raw.available();
      }

      @Override
      public void close() {
        // The part is closed by next()/close(); closing here would end the multipart stream early.
      }
    };
  }

  /**
   * The current instance's Part-10 bytes whole, in a fresh array: what a consumer that needs the
   * whole instance (the pipeline) reads instead of {@code body().readAllBytes()}, which copies every
   * byte twice in 8 KiB steps. Here the part's bytes move between Okio's buffers without copying
   * and are copied once into the array. The part must end where its Content-Length (if any) and its
   * boundary say, as for {@link #body()}.
   */
  public byte[] bodyBytes() throws IOException {
    requirePart();
    try {
      return part.body().readByteArray();
    } catch (DicomWebException e) {
      throw e;
    } catch (IOException e) {
      throw fail("reading part " + (index + 1) + " failed (" + describe(e) + ")", e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      reader.close();
    } finally {
      response.close();
    }
  }

  private static String describe(IOException e) {
    return FailureMessages.of(e);
  }

  private void requirePart() {
    if (part == null || finished) throw new IllegalStateException("no current instance: call next() first and only while it returns true");
  }

  private DicomWebException fail(String message, Throwable cause) {
    return new DicomWebException(method, redactedUrl, response.code(), null, message, cause);
  }
}
