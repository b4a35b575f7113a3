package org.secaimed.tests.enclave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.gateway.Bindings;
import org.secaimed.connector.party.PartyKey;
import org.secaimed.connector.provider.UsageLicence;
import org.secaimed.connector.seal.HpkeSuite;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.connector.seal.KemKeys;
import org.secaimed.connector.seal.SealedArchive;
import org.secaimed.connector.seal.SealedArchiveException;
import org.secaimed.connector.io.Digests;
import org.secaimed.dicom.exchange.ModelBundle;
import org.secaimed.enclave.server.keys.EnclaveKeys;
import org.secaimed.enclave.server.state.StateDir;
import org.secaimed.kaapana.cli.SecaimedCli;
import org.secaimed.kaapana.provider.ProviderPackager;
import picocli.CommandLine;

/**
 * {@code secaimed provider package} against a real (dev) enclave: the model bundle is sealed to the
 * attested KEM key under a binding naming the signed licence's digest; only the enclave's key opens
 * it, only with that licence; the ONNX bytes appear in none of the files written; an enclave the
 * provider's policy rejects gets nothing.
 */
class ProviderPackageCommandTest {
  static final Path MODEL_DIR = Path.of(System.getProperty("secaimed.repo.root", "..")).resolve("models/phantom-ct-cnn");
  @TempDir static Path dir;
  static EnclaveFixture fixture;
  static byte[] onnx;
  static Path providerKey, licenceYaml, devPolicy, productionPolicy;
  static final PartyKey SITE_A = PartyKey.generate();

  @BeforeAll
  static void setUp() throws Exception {
    fixture = new EnclaveFixture(dir);
    onnx = Files.readAllBytes(MODEL_DIR.resolve("model.onnx"));
    providerKey = dir.resolve("provider.key");
    assertThat(cli("keygen", "--out-private", providerKey.toString(), "--out-public", dir.resolve("provider.pub").toString()).exit).isZero();
    licenceYaml = Files.writeString(dir.resolve("licence.yaml"), "sites: [" + SITE_A.id() + "]\nallow:\n  segmentation: [segmentation]\n"
        + "maxRuns: 2\nmaxRunsPerSite: 2\nnotAfter: 2030-01-01T00:00:00Z\n");
    devPolicy = resource("policies/dev.yaml", "dev-policy.yaml");
    productionPolicy = resource("policies/production-example.yaml", "production-policy.yaml");
  }

  @AfterAll
  static void tearDown() throws Exception {
    fixture.close();
  }

  static Path resource(String name, String file) throws Exception {
    try (InputStream in = UsageLicence.class.getClassLoader().getResourceAsStream(name)) {
      return Files.write(dir.resolve(file), in.readAllBytes());
    }
  }

  record Run(int exit, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    CommandLine c = SecaimedCli.commandLine();
    c.setOut(new PrintWriter(out));
    c.setErr(new PrintWriter(err));
    int exit = c.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  static Run packageTo(Path out, Path policy) {
    return cli("provider", "package", "--model", MODEL_DIR.toString(), "--licence", licenceYaml.toString(), "--key", providerKey.toString(),
        "--gateway", fixture.enclave.baseUrl(), "--policy", policy.toString(), "--out", out.toString(), "--json");
  }

  @Test
  void sealsTheBundleSoThatOnlyTheEnclaveOpensItAndOnlyWithItsLicence() throws Exception {
    Path out = dir.resolve("package");
    Run r = packageTo(out, devPolicy);
    assertThat(r.exit).as(r.out + r.err).isZero();
    JsonNode described = new ObjectMapper().readTree(out.resolve(ProviderPackager.DESCRIPTION).toFile());
    UsageLicence licence = ProviderPackager.readLicence(out).verify();
    assertThat(licence.model().digest()).isEqualTo(Digests.of(onnx)).isEqualTo(described.path("model").path("digest").asText());
    assertThat(licence.provider()).isEqualTo(PartyKey.derivedFrom(KemKeys.readPrivateKey(providerKey)).id());
    assertThat(licence.sites()).containsExactly(SITE_A.id());
    assertThat(described.path("licenceDigest").asText()).isEqualTo(licence.digest());
    assertThat(r.out).contains("\"ok\":true", licence.digest());

    KemKeyPair enclaveKey = EnclaveKeys.loadOrCreate(new StateDir(fixture.enclave.stateDir()).keys(), HpkeSuite.DEFAULT).kem();
    byte[] sealed = Files.readAllBytes(out.resolve(ProviderPackager.SEALED));
    byte[] plain = SealedArchive.open(sealed, enclaveKey, Bindings.modelBundle(enclaveKey.publicKey().keyId(), licence.digest()));
    assertThat(ModelBundle.read(new ByteArrayInputStream(plain), licence.model().digest()).model()).isEqualTo(onnx);
    // paired with any other licence, the bundle does not open
    assertThatThrownBy(() -> SealedArchive.open(sealed, enclaveKey, Bindings.modelBundle(enclaveKey.publicKey().keyId(), "0".repeat(64))))
        .isInstanceOf(SealedArchiveException.class);

    byte[] window = Arrays.copyOfRange(onnx, onnx.length / 2, onnx.length / 2 + 64);
    try (Stream<Path> files = Files.walk(out)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(indexOf(Files.readAllBytes(f), window)).as("model bytes in %s", f).isEqualTo(-1);
      }
    }
  }

  @Test
  void publishesThenAuditsAndRevokesOnlyAsTheProvider() throws Exception {
    Path out = dir.resolve("published");
    assertThat(packageTo(out, devPolicy).exit).isZero();
    String digest = new ObjectMapper().readTree(out.resolve(ProviderPackager.DESCRIPTION).toFile()).path("licenceDigest").asText();
    String[] connection = {"--key", providerKey.toString(), "--gateway", fixture.enclave.baseUrl(), "--policy", devPolicy.toString(), "--json"};

    Run published = cli(concat(new String[] {"provider", "publish", "--package", out.toString()}, connection));
    assertThat(published.exit).as(published.out + published.err).isZero();
    assertThat(published.out).contains(digest, "phantom-ct-cnn");
    assertThat(fixture.enclave.stateDir().resolve("provider-models").resolve(digest).resolve("bundle.sealed")).exists();

    Path stored = dir.resolve("provider-checkpoint.note");
    Run empty = cli(concat(new String[] {"provider", "usage", "--licence-digest", digest, "--checkpoint", stored.toString()}, connection));
    assertThat(empty.exit).as(empty.out + empty.err).isZero();
    assertThat(empty.out).contains("\"entries\":0", "\"verified\":true", "\"revoked\":false");

    // another party may neither read the licence's usage nor revoke it
    Path other = dir.resolve("other.key");
    cli("keygen", "--out-private", other.toString(), "--out-public", dir.resolve("other.pub").toString());
    Run foreign = cli("provider", "revoke", "--licence-digest", digest, "--key", other.toString(), "--gateway", fixture.enclave.baseUrl(),
        "--policy", devPolicy.toString(), "--json");
    assertThat(foreign.exit).isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(foreign.out).contains("not-licence-owner").contains("\"code\":\"NOT_LICENCE_OWNER\"");

    Run revoked = cli(concat(new String[] {"provider", "revoke", "--licence-digest", digest}, connection));
    assertThat(revoked.exit).as(revoked.out + revoked.err).isZero();
    Run after = cli(concat(new String[] {"provider", "usage", "--licence-digest", digest, "--checkpoint", stored.toString()}, connection));
    assertThat(after.exit).as(after.out + after.err).isZero();
    assertThat(after.out).contains("\"revoked\":true", "\"consistencyChecked\":true");
  }

  static String[] concat(String[] a, String[] b) {
    String[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  @Test
  void anEnclaveTheProvidersPolicyRejectsGetsNothing() throws Exception {
    Path out = dir.resolve("refused");
    Run r = packageTo(out, productionPolicy);
    assertThat(r.exit).as(r.out + r.err).isEqualTo(SecaimedCli.EXIT_FAILED);
    assertThat(r.out).contains("\"ok\":false");
    assertThat(out.resolve(ProviderPackager.SEALED)).doesNotExist();
    assertThat(out.resolve(ProviderPackager.LICENCE)).doesNotExist();
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }
}
