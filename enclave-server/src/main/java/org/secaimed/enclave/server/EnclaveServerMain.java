package org.secaimed.enclave.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.enclave.server.attest.ConfigfsTsm;
import org.secaimed.enclave.server.attest.ConfigfsTsmEvidenceProvider;
import org.secaimed.enclave.server.attest.EvidenceProvider;
import org.secaimed.enclave.server.blob.S3BlobBackend;
import org.secaimed.enclave.server.blob.SealedBlobBackend;
import org.secaimed.enclave.server.attest.EvidenceProvider.EvidenceUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code enclave-server}: the production entry point, run inside a confidential VM (systemd unit
 * and container image in {@code enclave-server/deploy/}, docs/deploy-enclave.md). Evidence comes
 * from the configured provider; when it is unavailable the server does not start (exit 1). The
 * INSECURE {@code dev} provider is not offered here: it lives in the dev tooling
 * ({@code secaimed dev-enclave}).
 */
@Command(name = "enclave-server", mixinStandardHelpOptions = true,
    description = "Serve the secaimed gateway API inside an SEV-SNP or TDX confidential VM.")
public final class EnclaveServerMain implements Callable<Integer> {
  @Option(names = "--evidence", required = true, paramLabel = "PROVIDER",
      description = "Where evidence comes from: configfs-tsm (SEV-SNP or TDX, Linux 6.7+).")
  String evidence;

  @Option(names = "--tsm-root", paramLabel = "DIR", description = "The configfs-tsm report directory (default ${DEFAULT-VALUE}).")
  Path tsmRoot = ConfigfsTsm.DEFAULT_ROOT;

  @Option(names = "--snp-certs", paramLabel = "FILE", description = "PEM or DER certificates (AMD's ASK and ARK from KDS) added to SEV-SNP evidence when the host's table lacks them.")
  List<Path> snpCerts = new ArrayList<>();

  @Option(names = "--tdx-collateral", paramLabel = "FILE", description = "Intel collateral files (TCB info, QE identity, CRLs) sent with TDX quotes, in the order given.")
  List<Path> tdxCollateral = new ArrayList<>();

  @Option(names = "--state", required = true, paramLabel = "DIR", description = "State folder (keys, blobs, tasks, log); on an encrypted volume only the VM can open.")
  Path state;

  @Option(names = "--blob-store", paramLabel = "WHERE", description = "Where completed sealed blobs live: 'state' (default, the state folder)"
      + " or s3://bucket/prefix (endpoint SECAIMED_S3_ENDPOINT, credentials AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_REGION from the environment)."
      + " Blobs read back are verified against their sha256.")
  String blobStore = "state";

  @Option(names = "--host", paramLabel = "ADDR", description = "Bind address (default ${DEFAULT-VALUE}).")
  String host = "127.0.0.1";

  @Option(names = "--port", paramLabel = "N", description = "Port (default ${DEFAULT-VALUE}).")
  int port = 8443;

  @Option(names = "--kem-suite", paramLabel = "SUITE", description = "HPKE suite of the enclave key (default ${DEFAULT-VALUE}).")
  String kemSuite = HpkeSuite.DEFAULT.label();

  @Option(names = "--workers", paramLabel = "N", description = "Tasks run at once (default ${DEFAULT-VALUE}).")
  int workers = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new EnclaveServerMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    EvidenceProvider provider;
    try {
      provider = provider();
    } catch (EvidenceUnavailableException | IOException | CertificateException e) {
      spec.commandLine().getErr().println("enclave-server: evidence provider " + evidence + " is unavailable: " + e.getMessage());
      return 1;
    }
    EnclaveServer.Config config = EnclaveServer.Config.defaults(state).withHost(host).withPort(port)
        .withKemSuite(HpkeSuite.fromLabel(kemSuite)).withWorkers(workers).withEvidence(provider).withBlobBackend(blobBackend(System.getenv()));
    CountDownLatch stopped = new CountDownLatch(1);
    try (EnclaveServer server = EnclaveServer.start(config, System.err)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "enclave-server-stop"));
      stopped.await();
    }
    return 0;
  }

  /** The configured provider; refuses names this server does not offer. */
  EvidenceProvider provider() throws IOException, CertificateException {
    if (!ConfigfsTsmEvidenceProvider.NAME.equals(evidence)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--evidence '" + evidence + "' is not offered by this server (configfs-tsm);"
          + " the INSECURE dev enclave is 'secaimed dev-enclave' from the development tooling");
    }
    List<byte[]> certs = new ArrayList<>();
    for (Path p : snpCerts) certs.addAll(certificates(p));
    List<byte[]> collateral = new ArrayList<>();
    for (Path p : tdxCollateral) collateral.add(Files.readAllBytes(p));
    return ConfigfsTsmEvidenceProvider.open(new ConfigfsTsm(tsmRoot), certs, collateral);
  }

  /** The configured place for sealed blobs; null for the state folder. Credentials are read, never printed. */
  SealedBlobBackend blobBackend(java.util.Map<String, String> env) {
    if ("state".equals(blobStore)) return null;
    try {
      return S3BlobBackend.fromEnvironment(blobStore, env);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** Every certificate in a PEM bundle or DER file, as DER. */
  static List<byte[]> certificates(Path file) throws IOException, CertificateException {
    List<byte[]> out = new ArrayList<>();
    for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)))) {
      out.add(((X509Certificate) c).getEncoded());
    }
    if (out.isEmpty()) throw new CertificateException(file + " holds no certificate");
    return out;
  }
}
