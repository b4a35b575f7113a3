package org.secaimed.connector.attest.verify;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;

/** The shared attestation vectors (read in place, never copied into the repository). */
public final class Vectors {
  private Vectors() {}

  public static Path dir() {
    return Path.of(System.getProperty("secaimed.repo.root", ".")).resolve("../shared/testdata/attestation").normalize();
  }

  public static Path path(String relative) {
    return dir().resolve(relative);
  }

  public static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(path(relative));
    } catch (Exception e) {
      throw new IllegalStateException("missing vector " + relative, e);
    }
  }

  /** The DER of every certificate in a PEM or DER file. */
  public static List<byte[]> certs(String... relatives) {
    List<byte[]> out = new ArrayList<>();
    try {
      for (String r : relatives) {
        for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes(r)))) {
          out.add(c.getEncoded());
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
