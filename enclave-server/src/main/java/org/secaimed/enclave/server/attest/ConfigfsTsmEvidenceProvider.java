package org.secaimed.enclave.server.attest;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.verify.dcap.DcapQuote;
import org.secaimed.connector.attest.verify.snp.SnpReport;
import org.secaimed.connector.receipt.TaskReceipt;

/**
 * {@code configfs-tsm}: hardware evidence in a confidential VM, through {@link ConfigfsTsm}. The
 * kernel's {@code provider} decides the format: {@code sev_guest} gives {@code sev-snp} evidence
 * (the report plus the VCEK/VLEK, ASK and ARK from the host's certificate table), {@code tdx_guest}
 * gives {@code tdx} (the quote, whose certification data carries the PCK chain, plus configured
 * Intel collateral). {@link #open} asks the TEE for one report at start-up, so a server configured
 * for hardware it does not run on refuses to start; that report also yields the launch measurement
 * its receipts name.
 */
public final class ConfigfsTsmEvidenceProvider implements EvidenceProvider {
  public static final String NAME = "configfs-tsm";

  private final ConfigfsTsm tsm;
  private final String provider;
  private final TaskReceipt.Enclave enclave;
  private final List<byte[]> extraCertificates;
  private final List<byte[]> collateral;

  private ConfigfsTsmEvidenceProvider(ConfigfsTsm tsm, String provider, String measurement, List<byte[]> extraCertificates,
      List<byte[]> collateral) {
    this.tsm = tsm;
    this.provider = provider;
    this.enclave = new TaskReceipt.Enclave(platform(provider), measurement, false);
    this.extraCertificates = extraCertificates.stream().map(byte[]::clone).toList();
    this.collateral = collateral.stream().map(byte[]::clone).toList();
  }

  /**
   * Probes the TEE and returns the provider.
   *
   * @param extraCertificates DER certificates added to SEV-SNP evidence when the host's table lacks
   *     them (AMD's ASK and ARK, from AMD KDS); untrusted input for the site, which pins the ARK
   * @param collateral TDX: Intel collateral (TCB info, QE identity, CRLs) in the order the site's
   *     verifier reads it; signed by Intel, so the host may supply it
   * @throws EvidenceUnavailableException when there is no TEE, an unknown one, or its report does not
   *     bind the request or lacks the signing certificate
   */
  public static ConfigfsTsmEvidenceProvider open(ConfigfsTsm tsm, List<byte[]> extraCertificates, List<byte[]> collateral) {
    TsmReport probe = tsm.report(new byte[REPORT_DATA_BYTES]);
    String measurement = switch (probe.provider()) {
      case TsmReport.SEV_GUEST -> hex(snp(probe).measurement());
      case TsmReport.TDX_GUEST -> hex(tdx(probe).tdBody().mrtd());
      default -> throw new EvidenceUnavailableException("configfs-tsm: provider '" + probe.provider() + "' under " + tsm.root()
          + " is not supported (sev_guest or tdx_guest)");
    };
    ConfigfsTsmEvidenceProvider p = new ConfigfsTsmEvidenceProvider(tsm, probe.provider(), measurement, extraCertificates, collateral);
    p.evidence(probe, new byte[REPORT_DATA_BYTES]); // the same checks every request gets, once before serving
    return p;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public TaskReceipt.Enclave enclave() {
    return enclave;
  }

  @Override
  public Evidence issue(byte[] reportData) {
    if (reportData.length != REPORT_DATA_BYTES) throw new IllegalArgumentException("report data must be " + REPORT_DATA_BYTES + " bytes");
    return evidence(tsm.report(reportData), reportData);
  }

  private Evidence evidence(TsmReport r, byte[] reportData) {
    if (!r.provider().equals(provider)) {
      throw new EvidenceUnavailableException("configfs-tsm: provider changed from " + provider + " to " + r.provider());
    }
    return provider.equals(TsmReport.SEV_GUEST) ? snpEvidence(r, reportData) : tdxEvidence(r, reportData);
  }

  private Evidence snpEvidence(TsmReport r, byte[] reportData) {
    SnpReport report = snp(r);
    requireBinding(report.reportData(), reportData, "SEV-SNP REPORT_DATA");
    if (!hex(report.measurement()).equals(enclave.measurement())) {
      throw new EvidenceUnavailableException("configfs-tsm: the SEV-SNP MEASUREMENT changed since start-up");
    }
    List<SnpCertTable.Entry> table;
    try {
      table = r.auxblob().length == 0 ? List.of() : SnpCertTable.parse(r.auxblob());
    } catch (IllegalArgumentException e) {
      throw new EvidenceUnavailableException("configfs-tsm: auxblob: " + e.getMessage(), e);
    }
    List<byte[]> certs = new ArrayList<>();
    table.forEach(e -> certs.add(e.der()));
    boolean signer = table.stream().anyMatch(e -> e.guid().equals(SnpCertTable.VCEK) || e.guid().equals(SnpCertTable.VLEK));
    if (!signer) {
      throw new EvidenceUnavailableException("configfs-tsm: auxblob has no VCEK or VLEK certificate; the host must provision the"
          + " certificate table (e.g. snphost import) so sites can verify the report");
    }
    certs.addAll(extraCertificates);
    return new Evidence("sev-snp", r.outblob(), certs, List.of());
  }

  private Evidence tdxEvidence(TsmReport r, byte[] reportData) {
    DcapQuote quote = tdx(r);
    requireBinding(quote.tdBody().reportData(), reportData, "TDX REPORTDATA");
    if (!hex(quote.tdBody().mrtd()).equals(enclave.measurement())) {
      throw new EvidenceUnavailableException("configfs-tsm: the TDX MRTD changed since start-up");
    }
    return new Evidence("tdx", r.outblob(), List.of(), collateral);
  }

  private static SnpReport snp(TsmReport r) {
    try {
      return SnpReport.parse(r.outblob());
    } catch (EvidenceFormatException e) {
      throw new EvidenceUnavailableException("configfs-tsm: outblob is not an SEV-SNP report: " + e.getMessage(), e);
    }
  }

  private static DcapQuote tdx(TsmReport r) {
    DcapQuote q;
    try {
      q = DcapQuote.parse("tdx", r.outblob());
    } catch (EvidenceFormatException e) {
      throw new EvidenceUnavailableException("configfs-tsm: outblob is not a TDX quote: " + e.getMessage(), e);
    }
    if (q.tdBody() == null) throw new EvidenceUnavailableException("configfs-tsm: outblob is an SGX quote, not a TDX quote");
    return q;
  }

  /** The TEE must have signed exactly the requested binding: anything else is a stale or substituted report. */
  private static void requireBinding(byte[] inReport, byte[] requested, String field) {
    if (!MessageDigest.isEqual(inReport, requested)) {
      throw new EvidenceUnavailableException("configfs-tsm: " + field + " differs from the requested binding");
    }
  }

  private static String platform(String provider) {
    return provider.equals(TsmReport.SEV_GUEST) ? "AMD SEV-SNP (configfs-tsm)" : "Intel TDX (configfs-tsm)";
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
