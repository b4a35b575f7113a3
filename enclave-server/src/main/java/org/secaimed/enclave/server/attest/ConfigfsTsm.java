package org.secaimed.enclave.server.attest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.secaimed.enclave.server.attest.EvidenceProvider.EvidenceUnavailableException;

/**
 * The Linux configfs-tsm report interface (Linux 6.7+, Documentation/ABI/testing/configfs-tsm-report):
 * one report directory per request under {@code /sys/kernel/config/tsm/report}; write the 64-byte
 * binding to {@code inblob}, read {@code outblob}, {@code auxblob} and {@code provider}. Any write to
 * the directory bumps {@code generation}; reading it before the write and after the reads tells
 * whether another writer interfered, in which case the request is repeated once and then refused.
 */
public final class ConfigfsTsm {
  public static final Path DEFAULT_ROOT = Path.of("/sys/kernel/config/tsm/report");
  private static final int ATTEMPTS = 2;

  private final Path root;
  private final ReportTree tree;
  private final SecureRandom random = new SecureRandom();

  public ConfigfsTsm(Path root) {
    this(root, ReportTree.KERNEL);
  }

  public ConfigfsTsm(Path root, ReportTree tree) {
    this.root = root;
    this.tree = tree;
  }

  public Path root() {
    return root;
  }

  /** Whether the report directory exists (configfs mounted, a TSM driver loaded). */
  public boolean present() {
    return Files.isDirectory(root);
  }

  /**
   * A report binding {@code inblob}.
   *
   * @throws EvidenceUnavailableException naming the step and path when the interface is missing,
   *     fails, or another writer raced this request twice
   */
  public TsmReport report(byte[] inblob) {
    if (inblob.length != EvidenceProvider.REPORT_DATA_BYTES) {
      throw new IllegalArgumentException("inblob must be " + EvidenceProvider.REPORT_DATA_BYTES + " bytes, is " + inblob.length);
    }
    if (!present()) {
      throw new EvidenceUnavailableException("configfs-tsm: " + root + " does not exist (needs Linux 6.7+ in an SEV-SNP or TDX guest"
          + " with configfs mounted at /sys/kernel/config and the sev-guest or tdx-guest driver loaded)");
    }
    for (int attempt = 1; ; attempt++) {
      Path dir = root.resolve("secaimed-" + HexFormat.of().formatHex(nextId()));
      try {
        TsmReport r = once(dir, inblob);
        if (r != null) return r;
      } finally {
        removeQuietly(dir);
      }
      if (attempt >= ATTEMPTS) {
        throw new EvidenceUnavailableException("configfs-tsm: the report in " + dir.getParent() + " was changed by another writer during "
            + ATTEMPTS + " attempts (generation moved); refusing a report that may not bind this request");
      }
    }
  }

  /** One attempt; null when the generation shows another writer. */
  private TsmReport once(Path dir, byte[] inblob) {
    String step = "mkdir " + dir;
    try {
      tree.create(dir);
      step = "read " + dir.resolve("generation");
      long before = generation(dir);
      step = "write " + dir.resolve("inblob");
      tree.write(dir.resolve("inblob"), inblob);
      step = "read " + dir.resolve("outblob");
      byte[] out = tree.read(dir.resolve("outblob"));
      step = "read " + dir.resolve("auxblob");
      byte[] aux = readOptional(dir.resolve("auxblob"));
      step = "read " + dir.resolve("provider");
      String provider = text(dir.resolve("provider"));
      step = "read " + dir.resolve("generation");
      long after = generation(dir);
      if (after != before + 1) return null;
      if (out.length == 0) throw new EvidenceUnavailableException("configfs-tsm: " + dir.resolve("outblob") + " is empty");
      return new TsmReport(provider, out, aux);
    } catch (IOException e) {
      throw new EvidenceUnavailableException("configfs-tsm: " + step + " failed: " + e.getMessage(), e);
    }
  }

  private byte[] nextId() {
    byte[] id = new byte[8];
    random.nextBytes(id);
    return id;
  }

  private long generation(Path dir) throws IOException {
    String g = text(dir.resolve("generation"));
    try {
      return Long.parseLong(g);
    } catch (NumberFormatException e) {
      throw new IOException("generation is not a number: '" + g + "'");
    }
  }

  private String text(Path attribute) throws IOException {
    return new String(tree.read(attribute), StandardCharsets.US_ASCII).strip();
  }

  /** TDX kernels have no auxblob, or an empty one. */
  private byte[] readOptional(Path attribute) throws IOException {
    try {
      return tree.read(attribute);
    } catch (NoSuchFileException e) {
      return new byte[0];
    }
  }

  private void removeQuietly(Path dir) {
    try {
      if (Files.exists(dir)) tree.remove(dir);
    } catch (IOException e) {
      // A leftover report directory holds no secret (inblob is a public binding); the next request uses a new name.
    }
  }
}
