package org.secaimed.connector.seal;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES-256-GCM for one chunk under the STREAM nonce (prefix 7 ‖ counter 4 ‖ last-chunk flag 1).
 * Not thread-safe: each worker thread borrows its own instance from {@link StreamKeys}.
 */
abstract class ChunkCipher {
  static final int TAG_LENGTH = 16;
  static final int NONCE_LENGTH = 12;
  static final int PREFIX_LENGTH = 7;
  static final int ENCRYPT_SLICE = Integer.getInteger("secaimed.seal.slice", 16 << 10);

  protected final byte[] noncePrefix;

  ChunkCipher(byte[] noncePrefix) {
    this.noncePrefix = noncePrefix;
  }

  /** Encrypts {@code len} bytes into {@code out} at {@code outOff}; returns len + 16. */
  abstract int seal(long counter, boolean last, byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException;

  /**
   * Authenticates and decrypts {@code len} bytes (ciphertext + tag) into {@code out} at
   * {@code outOff}; returns the plaintext length, or -1 when authentication fails. That region of
   * {@code out} must be treated as garbage after a failure.
   */
  abstract int open(long counter, boolean last, byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException;

  final byte[] nonce(long counter, boolean last) {
    byte[] n = new byte[NONCE_LENGTH];
    System.arraycopy(noncePrefix, 0, n, 0, PREFIX_LENGTH);
    n[7] = (byte) (counter >>> 24);
    n[8] = (byte) (counter >>> 16);
    n[9] = (byte) (counter >>> 8);
    n[10] = (byte) counter;
    n[11] = (byte) (last ? 1 : 0);
    return n;
  }

  /** The JDK's AES-GCM (SunJCE), which uses the CPU's AES and carry-less multiply instructions. */
  static final class Jca extends ChunkCipher {
    private static final Provider SUN_JCE = Security.getProvider("SunJCE");
    private final SecretKeySpec key;
    private final Cipher cipher;

    Jca(byte[] key, byte[] noncePrefix) {
      this(key, noncePrefix, true);
    }

    Jca(byte[] key, byte[] noncePrefix, boolean warmUp) {
      super(noncePrefix);
      if (warmUp) AesGcmWarmUp.start();
      this.key = new SecretKeySpec(key, "AES");
      try {
        this.cipher = SUN_JCE != null
            ? Cipher.getInstance("AES/GCM/NoPadding", SUN_JCE)
            : Cipher.getInstance("AES/GCM/NoPadding");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES/GCM/NoPadding is missing from this JVM", e);
      }
    }

    @Override
    int seal(long counter, boolean last, byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce(counter, last)));
      // Feed the JDK in slices: HotSpot only swaps in the AES-CTR/GHASH intrinsics once the calling
      // methods are compiled, which takes thousands of calls; one call per MiB chunk would run
      // interpreted (~30 MB/s) for the first gigabytes. Slices warm it up within a few MB.
      int written = 0;
      for (int done = 0; done < len; ) {
        int n = Math.min(ENCRYPT_SLICE, len - done);
        written += cipher.update(in, off + done, n, out, outOff + written);
        done += n;
      }
      return written + cipher.doFinal(out, outOff + written);
    }

    @Override
    int open(long counter, boolean last, byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce(counter, last)));
      try {
        return cipher.doFinal(in, off, len, out, outOff);
      } catch (javax.crypto.AEADBadTagException e) {
        return -1;
      }
    }
  }

  /** Bouncy Castle's pure-Java AES-GCM: kept for the benchmark's comparison and JVMs without intrinsics. */
  static final class BouncyCastle extends ChunkCipher {
    private final KeyParameter key;
    private final GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());

    BouncyCastle(byte[] key, byte[] noncePrefix) {
      super(noncePrefix);
      this.key = new KeyParameter(key);
    }

    @Override
    int seal(long counter, boolean last, byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
      gcm.init(true, new AEADParameters(key, TAG_LENGTH * 8, nonce(counter, last)));
      int n = gcm.processBytes(in, off, len, out, outOff);
      try {
        return n + gcm.doFinal(out, outOff + n);
      } catch (InvalidCipherTextException e) {
        throw new GeneralSecurityException(e);
      }
    }

    @Override
    int open(long counter, boolean last, byte[] in, int off, int len, byte[] out, int outOff) {
      gcm.init(false, new AEADParameters(key, TAG_LENGTH * 8, nonce(counter, last)));
      int n = gcm.processBytes(in, off, len, out, outOff);
      try {
        return n + gcm.doFinal(out, outOff + n);
      } catch (InvalidCipherTextException e) {
        return -1;
      }
    }
  }
}
