package org.secaimed.enclave.server.algorithms;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.secaimed.connector.io.Digests;

/**
 * The digest of an algorithm's code: SHA-256 over its id, version and the bytes of the class files
 * that implement it, so any change to the code changes what the catalogue, the task and the
 * receipt name.
 */
public final class CodeDigest {
  private CodeDigest() {}

  public static String of(String id, String version, Class<?>... classes) {
    MessageDigest md = Digests.sha256();
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
    return Digests.ofHex(Digests.hex(md));
  }
}
