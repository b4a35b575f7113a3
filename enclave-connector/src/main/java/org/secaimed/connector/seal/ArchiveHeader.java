package org.secaimed.connector.seal;

import static org.secaimed.connector.seal.SealedArchiveException.Reason.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The sealed-archive header (docs/sealed-archive-format.md): everything a recipient needs to
 * derive the stream key, and everything the stream key is bound to. The header is authenticated
 * by a tag appended after it; this class only encodes and parses, it does not authenticate.
 */
final class ArchiveHeader {
  static final byte[] MAGIC = "SCM-SEAL".getBytes(StandardCharsets.US_ASCII);
  /** Version 1: the chunks carry the plaintext. Version 2 adds a content-encoding byte after the chunk size. */
  static final int VERSION_IDENTITY = 1;
  static final int VERSION_ENCODED = 2;
  static final int MIN_CHUNK_SIZE = 16;
  static final int MAX_CHUNK_SIZE = 64 << 20;
  /** magic 8, version 1, kem 2, kdf 2, aead 2, chunk size 4, key id 32, binding digest 32, enc length 2. */
  static final int FIXED_LENGTH = 8 + 1 + 2 + 2 + 2 + 4 + 32 + 32 + 2;
  /** Version 2: one content-encoding byte more. */
  static final int FIXED_LENGTH_V2 = FIXED_LENGTH + 1;
  static final int TAG_LENGTH = 16;

  final HpkeSuite suite;
  final int chunkSize;
  final byte[] recipientKeyId;
  final byte[] bindingDigest;
  final byte[] enc;
  final ContentEncoding encoding;

  ArchiveHeader(HpkeSuite suite, int chunkSize, ContentEncoding encoding, byte[] recipientKeyId, byte[] bindingDigest,
      byte[] enc) {
    this.suite = suite;
    this.chunkSize = chunkSize;
    this.encoding = encoding;
    this.recipientKeyId = recipientKeyId;
    this.bindingDigest = bindingDigest;
    this.enc = enc;
  }

  /** The header bytes that the header tag and the stream keys are bound to (everything before the tag). */
  byte[] encode() {
    // Identity archives keep version 1, byte for byte, so readers of that version still open them.
    boolean v1 = encoding == ContentEncoding.IDENTITY;
    ByteBuffer b = ByteBuffer.allocate((v1 ? FIXED_LENGTH : FIXED_LENGTH_V2) + enc.length);
    b.put(MAGIC).put((byte) (v1 ? VERSION_IDENTITY : VERSION_ENCODED));
    b.putShort((short) suite.kemId()).putShort(HpkeSuite.KDF_ID).putShort(HpkeSuite.AEAD_ID);
    b.putInt(chunkSize);
    if (!v1) b.put((byte) encoding.id());
    b.put(recipientKeyId).put(bindingDigest);
    b.putShort((short) enc.length).put(enc);
    return b.array();
  }

  /** A parsed header together with its exact bytes and the tag that follows it. */
  record Parsed(ArchiveHeader header, byte[] bytes, byte[] tag) {}

  /** Reads and range-checks a header; throws a typed exception naming the field that is wrong. */
  static Parsed read(InputStream in) throws IOException {
    byte[] fixed = in.readNBytes(MAGIC.length + 1);
    int magicSeen = Math.min(fixed.length, MAGIC.length);
    if (!Arrays.equals(fixed, 0, magicSeen, MAGIC, 0, magicSeen) || fixed.length == 0) {
      throw new SealedArchiveException(BAD_MAGIC, "input does not start with the sealed-archive magic 'SCM-SEAL'");
    }
    if (fixed.length < MAGIC.length + 1) {
      throw new SealedArchiveException(TRUNCATED, "input ends inside the archive header (" + fixed.length + " bytes)");
    }
    int version = fixed[MAGIC.length] & 0xFF;
    if (version != VERSION_IDENTITY && version != VERSION_ENCODED) {
      throw new SealedArchiveException(UNSUPPORTED_VERSION, "archive format version " + version
          + ", this build reads versions " + VERSION_IDENTITY + " and " + VERSION_ENCODED);
    }
    int fixedLength = version == VERSION_IDENTITY ? FIXED_LENGTH : FIXED_LENGTH_V2;
    byte[] rest = in.readNBytes(fixedLength - fixed.length);
    if (rest.length < fixedLength - fixed.length) {
      throw new SealedArchiveException(TRUNCATED, "input ends inside the archive header ("
          + (fixed.length + rest.length) + " bytes)");
    }
    ByteBuffer b = ByteBuffer.wrap(rest);
    int kem = b.getShort() & 0xFFFF, kdf = b.getShort() & 0xFFFF, aead = b.getShort() & 0xFFFF;
    HpkeSuite suite = HpkeSuite.fromIds(kem, kdf, aead);
    if (suite == null) {
      throw new SealedArchiveException(UNSUPPORTED_SUITE, String.format(
          "HPKE suite kem=0x%04x kdf=0x%04x aead=0x%04x is not accepted; accepted: %s", kem, kdf, aead, HpkeSuite.labels()));
    }
    int chunkSize = b.getInt();
    if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
      throw new SealedArchiveException(MALFORMED_HEADER, "chunk size " + Integer.toUnsignedString(chunkSize)
          + " is outside " + MIN_CHUNK_SIZE + ".." + MAX_CHUNK_SIZE);
    }
    ContentEncoding encoding = ContentEncoding.IDENTITY;
    if (version == VERSION_ENCODED) {
      int id = b.get() & 0xFF;
      encoding = ContentEncoding.fromId(id);
      // Version 2 exists to name an encoding; identity archives are written as version 1.
      if (encoding == null || encoding == ContentEncoding.IDENTITY) {
        throw new SealedArchiveException(UNSUPPORTED_ENCODING, "content encoding " + id + " is not one this build reads"
            + " (version 2 archives are zstd-compressed: 1, or 2 with byte planes)");
      }
    }
    byte[] keyId = new byte[32];
    b.get(keyId);
    byte[] bindingDigest = new byte[32];
    b.get(bindingDigest);
    int encLength = b.getShort() & 0xFFFF;
    int expectedEnc = suite.hpke().getEncSize();
    if (encLength != expectedEnc) {
      throw new SealedArchiveException(MALFORMED_HEADER, "encapsulated key length " + encLength + ", "
          + suite.label() + " uses " + expectedEnc);
    }
    byte[] enc = in.readNBytes(encLength);
    byte[] tag = in.readNBytes(TAG_LENGTH);
    if (enc.length < encLength || tag.length < TAG_LENGTH) {
      throw new SealedArchiveException(TRUNCATED, "input ends inside the archive header");
    }
    ArchiveHeader h = new ArchiveHeader(suite, chunkSize, encoding, keyId, bindingDigest, enc);
    byte[] bytes = h.encode();
    return new Parsed(h, bytes, tag);
  }

  static byte[] bindingDigest(byte[] binding) {
    return KemPublicKey.sha256(binding);
  }

  boolean bindsTo(byte[] binding) {
    return MessageDigest.isEqual(bindingDigest, bindingDigest(binding));
  }

  String keyIdHex() {
    return HexFormat.of().formatHex(recipientKeyId);
  }
}
