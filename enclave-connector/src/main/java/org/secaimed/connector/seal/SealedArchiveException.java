package org.secaimed.connector.seal;

import org.secaimed.connector.SecaimedFailure;
import java.io.IOException;

/**
 * A sealed archive was rejected. The {@link #reason()} says why in a form a program can act on;
 * the message says it in words and names the chunk or header field. Once thrown by a stream,
 * every later call on that stream throws it again: nothing after a failure is ever released.
 */
public final class SealedArchiveException extends IOException implements SecaimedFailure {
  private static final long serialVersionUID = 1L;

  /** Why an archive was rejected. */
  public enum Reason {
    /** The bytes do not start with the sealed-archive magic: not a sealed archive at all. */
    BAD_MAGIC,
    /** A format version this build cannot read. */
    UNSUPPORTED_VERSION,
    /** An HPKE KEM / KDF / AEAD combination this build does not accept. */
    UNSUPPORTED_SUITE,
    /** A header field is out of range (chunk size, encapsulated-key length, ...). */
    MALFORMED_HEADER,
    /** The archive was sealed to another recipient key (key id or suite differs). */
    WRONG_KEY,
    /** The archive is bound to something other than what the caller expects (task, evidence). */
    WRONG_BINDING,
    /** The header failed authentication: it was edited, or the key does not decapsulate it. */
    HEADER_AUTH_FAILED,
    /** A chunk failed authentication: edited, swapped, repeated or from another archive. */
    CHUNK_AUTH_FAILED,
    /** The stream ends before the final chunk (cut at or between chunk boundaries). */
    TRUNCATED,
    /** Bytes follow the final chunk. */
    TRAILING_DATA,
    /** More chunks than the 32-bit chunk counter can number. */
    TOO_LONG,
    /** The recipient public key cannot be used to seal (for example a low-order X25519 point). */
    INVALID_RECIPIENT_KEY,
    /** The header names a content encoding this build does not read. */
    UNSUPPORTED_ENCODING,
    /** The authenticated content is not a valid stream of the encoding the header names. */
    DECOMPRESSION_FAILED,
    /** The content expands beyond the opener's bound ({@link ExpansionBound}): a decompression bomb. */
    DECOMPRESSED_TOO_LARGE
  }

  private final Reason reason;

  public SealedArchiveException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  public SealedArchiveException(Reason reason, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  @Override
  public String code() {
    return reason.name();
  }
}
