package org.secaimed.enclave.server.algorithms;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.secaimed.dicom.exchange.Digests;
import org.secaimed.dicom.exchange.Sha256;

/**
 * The digest of an algorithm's code: SHA-256 over its id, version and the bytes of the class files
 * that implement it, so any change to the code changes what the catalogue, the task and the
 * receipt name.
 */
public final class CodeDigest {
  private CodeDigest() {}

  public static String of(String id, String version, Class<?>... classes) {
    MessageDigest md = Sha256.newDigest();
    md.update((id + "\n" + version + "\n").getBytes(StandardCharsets.UTF_8));
    for (Class<?> c : classes) {
      String resource = "/" + c.getName().replace('.', '/') + ".class";
      try (InputStream in = c.getResourceAsStream(resource)) {
        if (in == null) throw new IllegalStateException("class file not found: " + resource);
        md.update(resource.getBytes(StandardCharsets.UTF_8));
        md.update(in.readAllBytes());
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + resource, e);
      }
    }
    return Digests.PREFIX + java.util.HexFormat.of().formatHex(md.digest());
  }
}
