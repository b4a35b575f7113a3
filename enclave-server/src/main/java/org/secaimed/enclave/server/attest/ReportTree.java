package org.secaimed.enclave.server.attest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How {@link ConfigfsTsm} touches the report tree. In a confidential VM it is the kernel's configfs
 * ({@link #KERNEL}): {@code mkdir} creates a report whose attributes the kernel fills in, a write
 * to {@code inblob} stores the report data and bumps {@code generation}, a read of {@code outblob}
 * asks the TEE for the report. Tests substitute a simulated TEE that plays the kernel's part on a
 * plain directory; nothing it returns is trusted by the site, which verifies the report's
 * signature chain to the vendor's pinned root.
 */
public interface ReportTree {
  /** Creates the report directory {@code dir}; fails if it exists. */
  void create(Path dir) throws IOException;

  byte[] read(Path attribute) throws IOException;

  /** Writes {@code value} in one write, as configfs binary attributes expect. */
  void write(Path attribute, byte[] value) throws IOException;

  /** Removes the report directory (configfs removes its attributes with it). */
  void remove(Path dir) throws IOException;

  /** The kernel's {@code /sys/kernel/config/tsm/report}. */
  ReportTree KERNEL = new ReportTree() {
    @Override
    public void create(Path dir) throws IOException {
      Files.createDirectory(dir);
    }

    @Override
    public byte[] read(Path attribute) throws IOException {
      return Files.readAllBytes(attribute);
    }

    @Override
    public void write(Path attribute, byte[] value) throws IOException {
      // No CREATE, no TRUNCATE: configfs attributes exist and do not support truncation.
      try (OutputStream out = Files.newOutputStream(attribute, StandardOpenOption.WRITE)) {
        out.write(value);
      }
    }

    @Override
    public void remove(Path dir) throws IOException {
      Files.delete(dir);
    }
  };
}
