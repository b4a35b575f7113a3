package org.secaimed.connector.seal;

import static org.secaimed.connector.seal.SealedArchiveException.Reason.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Objects;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;

/**
 * Seals data to a recipient's HPKE key as a streaming archive, and opens such archives
 * (byte format: docs/sealed-archive-format.md). The binding is any bytes the caller wants the
 * archive tied to, such as a task id or an evidence digest: opening with a different binding
 * fails with {@link SealedArchiveException.Reason#WRONG_BINDING}.
 */
public final class SealedArchive {
  private SealedArchive() {}

  /**
   * Starts compiling AES-GCM in the background (once per JVM; see {@link AesGcmWarmUp}). Streams
   * do this themselves on first use; services call it at start-up so the first study they seal or
   * open already runs at full speed.
   */
  public static void warmUp() {
    AesGcmWarmUp.start();
  }

  /** Writes the archive header to the sink now; the returned stream seals what is written to it. */
  public static SealingOutputStream newSealingStream(OutputStream sink, KemPublicKey recipient, byte[] binding)
      throws IOException {
    return newSealingStream(sink, recipient, binding, SealOptions.defaults());
  }

  public static SealingOutputStream newSealingStream(
      OutputStream sink, KemPublicKey recipient, byte[] binding, SealOptions options) throws IOException {
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(binding, "binding");
    Objects.requireNonNull(options, "options");
    HPKEContextWithEncapsulation context;
    try {
      context = recipient.suite().hpke().setupBaseS(recipient.parameter(), StreamKeys.HPKE_INFO);
    } catch (RuntimeException e) {
      throw new SealedArchiveException(INVALID_RECIPIENT_KEY,
          "cannot encapsulate to recipient key " + recipient.keyId() + ": " + e.getMessage(), e);
    }
    ArchiveHeader header = new ArchiveHeader(recipient.suite(), options.chunkSize(), options.compression().encoding(),
        recipient.keyIdBytes(),
        ArchiveHeader.bindingDigest(binding), context.getEncapsulation());
    byte[] headerBytes = header.encode();
    byte[] tag;
    try {
      tag = context.seal(headerBytes, new byte[0]);
    } catch (InvalidCipherTextException e) {
      throw new IOException("HPKE failed to authenticate the archive header", e);
    }
    StreamKeys keys = StreamKeys.export(context, headerBytes, options.engine());
    sink.write(headerBytes);
    sink.write(tag);
    return new SealingOutputStream(new ChunkSealingStream(sink, keys, options, headerBytes.length + tag.length),
        options.compression(), options.parallelism());
  }

  /**
   * Reads and authenticates the header now (wrong key, wrong binding and a forged header fail
   * here); the returned stream releases plaintext only once the chunks carrying it have authenticated.
   * A compressed archive (the header says so) is decompressed under the default {@link ExpansionBound}.
   */
  public static InputStream newOpeningStream(InputStream source, KemKeyPair recipient, byte[] binding)
      throws IOException {
    return newOpeningStream(source, recipient, binding, SealOptions.defaults());
  }

  /**
   * As above; the chunk size and the content encoding come from the authenticated header,
   * {@code options} supplies parallelism, engine and the expansion bound.
   */
  public static InputStream newOpeningStream(
      InputStream source, KemKeyPair recipient, byte[] binding, SealOptions options) throws IOException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(binding, "binding");
    Objects.requireNonNull(options, "options");
    ArchiveHeader.Parsed parsed = ArchiveHeader.read(source);
    ArchiveHeader header = parsed.header();
    KemPublicKey mine = recipient.publicKey();
    if (header.suite != mine.suite()) {
      throw new SealedArchiveException(WRONG_KEY, "archive is sealed with " + header.suite.label()
          + ", the key is " + mine.suite().label());
    }
    if (!MessageDigest.isEqual(header.recipientKeyId, mine.keyIdBytes())) {
      throw new SealedArchiveException(WRONG_KEY, "archive is sealed to key " + header.keyIdHex()
          + ", the key given is " + mine.keyId());
    }
    HPKEContext context;
    try {
      context = header.suite.hpke().setupBaseR(header.enc, recipient.pair(), StreamKeys.HPKE_INFO);
      context.open(parsed.bytes(), parsed.tag());
    } catch (InvalidCipherTextException | RuntimeException e) {
      throw new SealedArchiveException(HEADER_AUTH_FAILED,
          "archive header failed authentication (edited header or encapsulated key)");
    }
    if (!header.bindsTo(binding)) {
      throw new SealedArchiveException(WRONG_BINDING,
          "archive is bound to something else than the expected task/evidence binding");
    }
    StreamKeys keys = StreamKeys.export(context, parsed.bytes(), options.engine());
    OpeningInputStream opened = new OpeningInputStream(source, keys, header.chunkSize, options);
    // With more than one core, decompression runs a few MiB ahead of the caller on a thread of its own.
    return Compression.newDecoder(header.encoding, opened, options.expansionBound(), options.parallelism() > 1);
  }

  /**
   * Reads only the header and says whether it names {@code binding}, without any key and without
   * decrypting anything: the enclave uses it to refuse an input whose usage policy was stripped
   * or swapped before it logs a use. It proves nothing on its own (the header is authenticated
   * only when opened); opening re-checks the binding after authenticating the header.
   */
  public static boolean headerNamesBinding(InputStream source, byte[] binding) throws SealedArchiveException, IOException {
    return ArchiveHeader.read(source).header().bindsTo(Objects.requireNonNull(binding, "binding"));
  }

  /** Seals a small payload in memory (single-threaded). */
  public static byte[] seal(byte[] plaintext, KemPublicKey recipient, byte[] binding) throws SealedArchiveException {
    Objects.requireNonNull(plaintext, "plaintext");
    SealOptions options = smallPayloadOptions(plaintext.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream(plaintext.length + 2048);
    try (SealingOutputStream s = newSealingStream(out, recipient, binding, options)) {
      s.write(plaintext);
    } catch (SealedArchiveException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("in-memory sealing failed", e);
    }
    return out.toByteArray();
  }

  /** Opens a small archive in memory; returns the plaintext only if every chunk authenticated. */
  public static byte[] open(byte[] archive, KemKeyPair recipient, byte[] binding) throws SealedArchiveException {
    Objects.requireNonNull(archive, "archive");
    SealOptions options = smallPayloadOptions(archive.length);
    try (InputStream in = newOpeningStream(new ByteArrayInputStream(archive), recipient, binding, options)) {
      return in.readAllBytes();
    } catch (SealedArchiveException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("in-memory opening failed", e);
    }
  }

  /**
   * Seals everything from {@code plaintext} to {@code sink} and closes the sink. If reading the
   * plaintext fails, the archive is left without its final chunk (so it will not open) and the
   * error is rethrown. Returns the number of plaintext bytes sealed.
   */
  public static long seal(InputStream plaintext, OutputStream sink, KemPublicKey recipient, byte[] binding,
      SealOptions options) throws IOException {
    SealingOutputStream out = newSealingStream(sink, recipient, binding, options);
    try {
      plaintext.transferTo(out);
    } catch (IOException | RuntimeException e) {
      out.abort();
      throw e;
    }
    out.close();
    return out.plaintextBytes();
  }

  private static SealOptions smallPayloadOptions(int length) {
    SealOptions d = SealOptions.defaults();
    return length <= 4L * d.chunkSize() ? d.withParallelism(1) : d;
  }
}
