package org.secaimed.enclave.server.attest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.secaimed.connector.attest.verify.snp.SimulatedAmdSnp;

/**
 * SIMULATED TEE, for tests only: plays the kernel's part of configfs-tsm on a plain directory
 * ({@code <root>/<report>/inblob, outblob, auxblob, provider, generation}). An SEV-SNP guest signs
 * reports with the {@link SimulatedAmdSnp} test chain (which production verifiers reject) and
 * returns the chain as the certificate table; a TDX guest patches REPORTDATA into a real Intel
 * quote, whose signature then no longer verifies (no test DCAP chain: only the provider's plumbing
 * is exercised). Knobs inject the failures a real kernel can show.
 */
public final class SimulatedTsm implements ReportTree {
  /** TDX quote v4: REPORTDATA sits at the 48-byte header plus offset 520 of the TD report body. */
  static final int TDX_V4_REPORT_DATA = 48 + 520;

  private final Path root;
  private final String provider;
  private final SimulatedAmdSnp amd;
  private final byte[] measurement;
  private final byte[] tdxQuote;
  private final AtomicInteger interferences = new AtomicInteger();
  private final AtomicInteger reports = new AtomicInteger();
  private volatile boolean withoutCertificates;
  private volatile byte[] staleReportData;

  private SimulatedTsm(Path root, String provider, SimulatedAmdSnp amd, byte[] measurement, byte[] tdxQuote) {
    this.root = root;
    this.provider = provider;
    this.amd = amd;
    this.measurement = measurement;
    this.tdxQuote = tdxQuote;
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An SEV-SNP guest launched with {@code measurement} (48 bytes) on a chip certified by {@code amd}. */
  public static SimulatedTsm snp(Path root, SimulatedAmdSnp amd, byte[] measurement) {
    return new SimulatedTsm(root, TsmReport.SEV_GUEST, amd, measurement.clone(), null);
  }

  /** A TDX guest answering with {@code quoteV4} (a real quote) with the requested REPORTDATA patched in. */
  public static SimulatedTsm tdx(Path root, byte[] quoteV4) {
    return new SimulatedTsm(root, TsmReport.TDX_GUEST, null, null, quoteV4.clone());
  }

  public Path root() {
    return root;
  }

  /** The provider over this simulated tree. */
  public ConfigfsTsm tsm() {
    return new ConfigfsTsm(root, this);
  }

  /** Another writer touches the next {@code n} report directories between our write and read. */
  public void interfere(int n) {
    interferences.set(n);
  }

  /** The host provisioned no certificate table. */
  public void withoutCertificates(boolean v) {
    withoutCertificates = v;
  }

  /** The next reports carry this report data instead of the requested one (a stale or substituted report). */
  public void staleReportData(byte[] v) {
    staleReportData = v == null ? null : v.clone();
  }

  /** Reports produced so far. */
  public int reports() {
    return reports.get();
  }

  @Override
  public void create(Path dir) throws IOException {
    Files.createDirectory(dir);
    Files.writeString(dir.resolve("provider"), provider + "\n");
    Files.writeString(dir.resolve("generation"), "0\n");
    Files.writeString(dir.resolve("privlevel_floor"), "0\n");
    Files.write(dir.resolve("inblob"), new byte[0]);
  }

  @Override
  public byte[] read(Path attribute) throws IOException {
    return Files.readAllBytes(attribute);
  }

  /** A write to inblob stores it, bumps generation and (as a read of outblob would) produces the report. */
  @Override
  public void write(Path attribute, byte[] value) throws IOException {
    Files.write(attribute, value);
    Path dir = attribute.getParent();
    bump(dir);
    if (!attribute.getFileName().toString().equals("inblob")) return;
    byte[] data = staleReportData != null ? staleReportData : value;
    if (provider.equals(TsmReport.SEV_GUEST)) {
      Files.write(dir.resolve("outblob"), amd.report(data, measurement));
      Files.write(dir.resolve("auxblob"), withoutCertificates ? new byte[0] : certificateTable());
    } else {
      byte[] quote = tdxQuote.clone();
      System.arraycopy(data, 0, quote, TDX_V4_REPORT_DATA, 64);
      Files.write(dir.resolve("outblob"), quote);
    }
    reports.incrementAndGet();
    if (interferences.getAndUpdate(n -> Math.max(0, n - 1)) > 0) bump(dir);
  }

  @Override
  public void remove(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }

  private byte[] certificateTable() {
    List<byte[]> der = amd.chainDer();
    return SnpCertTable.build(List.of(new SnpCertTable.Entry(SnpCertTable.VCEK, der.get(0)),
        new SnpCertTable.Entry(SnpCertTable.ASK, der.get(1)), new SnpCertTable.Entry(SnpCertTable.ARK, der.get(2))));
  }

  private static void bump(Path dir) throws IOException {
    Path g = dir.resolve("generation");
    long n = Long.parseLong(new String(Files.readAllBytes(g), StandardCharsets.US_ASCII).strip());
    Files.writeString(g, (n + 1) + "\n");
  }
}
