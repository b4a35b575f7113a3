package org.secaimed.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.devtools.cli.DevCli;
import org.secaimed.tests.dicom.TestSeries;
import org.secaimed.tests.servers.OrthancServer;
import picocli.CommandLine;

/**
 * Issue 12 acceptance: walks the whole command tree ({@code ./secaimed}, site commands plus the
 * developer tools) and checks every command's {@code --json} envelope on a success and on a
 * failure. A command added without a case here fails {@link #everyJsonCommandHasACase}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CommandTreeJsonContractTest {
  @RegisterExtension static final OrthancServer PACS = OrthancServer.builder().aeTitle("TREEPACS").build();
  @TempDir static Path tmp;

  static final Path REPO = Path.of(System.getProperty("secaimed.repo.root", "."));
  static final Path ATTEST = REPO.resolve("../shared/testdata/attestation").normalize();
  static final Path DICOM = REPO.resolve("../shared/testdata/dicom").normalize();

  /** Commands without --json, and why. */
  static final Map<String, String> NO_JSON = Map.of(
      "dev-enclave", "a server that runs until interrupted; it prints INSECURE log lines, not a result",
      "help", "prints a help page",
      "generate-completion", "prints a shell script");

  /**
   * Successes that need a platform this test does not start: covered, with the same envelope
   * assertions, by the named test.
   */
  static final Map<String, String> SUCCESS_ELSEWHERE = Map.ofEntries(
      Map.entry("kaapana run", "KaapanaCommandTest (Kaapana's environment variables are injected there)"),
      Map.entry("kaapana trigger", "KaapanaTriggerCommandTest (Kaapana backend and Airflow API stand-ins)"),
      Map.entry("kaapana status", "KaapanaTriggerCommandTest"),
      Map.entry("provider package", "ProviderPackageCommandTest (a dev enclave and a model bundle)"),
      Map.entry("provider publish", "ProviderPackageCommandTest"),
      Map.entry("provider usage", "ProviderPackageCommandTest"),
      Map.entry("provider revoke", "ProviderPackageCommandTest"),
      Map.entry("provenance model", "ConsortiumProvenanceTest (the consortium scenario's enclave, restarted on its state)"),
      Map.entry("provenance verify", "ConsortiumProvenanceTest"),
      Map.entry("attest collateral fetch", "AttestCollateralCommandTest (a local server answering like AMD KDS / Intel PCS)"),
      Map.entry("provenance study", "ConsortiumProvenanceTest"),
      Map.entry("demo --provider", "ProviderDemoCommandTest (dev-tools; the whole provider scenario, its envelope and content)"));

  record Case(Supplier<String[]> success, Supplier<String[]> failure) {}

  static final Map<String, Case> CASES = new LinkedHashMap<>();
  static String demoReceipt;
  static String series;
  static String study;

  static String[] a(String... args) {
    return args;
  }

  static String t(String name) {
    return tmp.resolve(name).toString();
  }

  @BeforeAll
  static void cases() throws Exception {
    Files.write(tmp.resolve("plain.bin"), new byte[70_000]);
    Path push = Files.createDirectories(tmp.resolve("push"));
    for (Path f : TestSeries.images("ct-tiny4-pydicom")) Files.copy(f, push.resolve(f.getFileName()));
    study = TestSeries.studyUid(TestSeries.images("ct-tiny4-pydicom").get(0));
    series = TestSeries.seriesUid(TestSeries.images("ct-tiny4-pydicom").get(0));
    Files.createDirectories(tmp.resolve("empty"));

    CASES.put("keygen", new Case(() -> a("keygen", "--out-private", t("k.json"), "--out-public", t("p.json")),
        () -> a("keygen", "--out-private", t("k.json"), "--out-public", t("p2.json"))));
    CASES.put("seal", new Case(() -> a("seal", "--recipient", t("p.json"), "--in", t("plain.bin"), "--out", t("s.sealed"), "--binding", "b"),
        () -> a("seal", "--recipient", t("p.json"), "--in", t("missing.bin"), "--out", t("x.sealed"))));
    CASES.put("open", new Case(() -> a("open", "--key", t("k.json"), "--in", t("s.sealed"), "--out", t("opened.bin"), "--binding", "b"),
        () -> a("open", "--key", t("k.json"), "--in", t("s.sealed"), "--out", t("opened2.bin"), "--binding", "other")));
    CASES.put("attest verify-evidence", new Case(
        () -> a("attest", "verify-evidence", "--format", "sev-snp", "--evidence", ATTEST.resolve("sev-snp/gsg-milan-vcek/report.bin").toString(),
            "--cert", ATTEST.resolve("sev-snp/gsg-milan-vcek/vcek.der").toString(), "--cert", ATTEST.resolve("sev-snp/roots/ask_ark_milan.pem").toString(),
            "--at", "2026-11-22T00:00:00Z"),
        () -> a("attest", "verify-evidence", "--format", "sev-snp", "--evidence", ATTEST.resolve("sev-snp/gsg-milan-vcek/report.bin").toString())));
    CASES.put("attest collateral fetch", new Case(null,
        () -> a("attest", "collateral", "fetch", "--format", "tdx", "--evidence", t("missing.dat"), "--store", t("store"))));
    CASES.put("attest collateral list", new Case(() -> a("attest", "collateral", "list", "--store", t("empty")),
        () -> a("attest", "collateral", "list", "--store", t("no-such-store"))));
    CASES.put("demo", new Case(() -> a("demo", "--out", t("demo"), "--slices", "12", "--size", "256"), () -> a("demo", "--slices", "3")));
    CASES.put("demo --provider", new Case(null, () -> a("demo", "--provider", "--size", "3")));
    CASES.put("receipt verify", new Case(
        () -> a("receipt", "verify", demoReceipt, "--policy", Path.of(demoReceipt).resolveSibling("policy.yaml").toString()),
        () -> a("receipt", "verify", t("plain.bin"))));
    CASES.put("seg from-labelmap", new Case(
        () -> a("seg", "from-labelmap", "--series", DICOM.resolve("ct-3slice-dcmqi").toString(),
            "--labelmap", DICOM.resolve("ct-3slice-dcmqi/liver_spine_seg.nrrd").toString(),
            "--metadata", DICOM.resolve("dcmqi-metadata/examples/seg-example_liver_spine.json").toString(), "--out", t("seg.dcm")),
        () -> a("seg", "from-labelmap", "--series", DICOM.resolve("ct-3slice-dcmqi").toString(),
            "--labelmap", DICOM.resolve("ct-3slice-dcmqi/liver_spine_seg.nrrd").toString(), "--metadata", t("nometa.json"), "--out", t("x.dcm"))));
    CASES.put("seg to-labelmap", new Case(
        () -> a("seg", "to-labelmap", "--seg", t("seg.dcm"), "--series", DICOM.resolve("ct-3slice-dcmqi").toString(), "--out", t("back.nii.gz")),
        () -> a("seg", "to-labelmap", "--seg", t("missing.dcm"), "--series", DICOM.resolve("ct-3slice-dcmqi").toString(), "--out", t("y.nii.gz"))));
    CASES.put("dicom push", new Case(() -> a("dicom", "push", "--dicomweb", PACS.dicomWebUrl(), t("push")),
        () -> a("dicom", "push", "--dicomweb", PACS.dicomWebUrl(), t("empty"))));
    CASES.put("dicom pull", new Case(
        () -> a("dicom", "pull", "--dicomweb", PACS.dicomWebUrl(), "--study", study, "--series", series, "--out", t("pulled")),
        () -> a("dicom", "pull", "--dicomweb", PACS.dicomWebUrl(), "--study", "1.2.3", "--series", "1.2.3.4", "--out", t("nothing"))));
    CASES.put("kaapana run", new Case(null, () -> a("kaapana", "run")));
    CASES.put("kaapana trigger", new Case(null, () -> a("kaapana", "trigger", "--dag", "d", "--series", "1.2.3")));
    CASES.put("kaapana status", new Case(null, () -> a("kaapana", "status", "wf-1")));
    CASES.put("provider package", new Case(null,
        () -> a("provider", "package", "--model", t("nomodel"), "--licence", t("nolicence.yaml"), "--key", t("k.json"),
            "--gateway", "http://127.0.0.1:1", "--policy", t("nopolicy.yaml"), "--out", t("pkg"))));
    CASES.put("provider publish", new Case(null, () -> a("provider", "publish", "--package", t("pkg"), "--key", t("k.json"),
        "--gateway", "http://127.0.0.1:1", "--policy", t("nopolicy.yaml"))));
    CASES.put("provider usage", new Case(null, () -> a("provider", "usage", "--licence-digest", "0".repeat(64), "--key", t("k.json"),
        "--gateway", "http://127.0.0.1:1", "--policy", t("nopolicy.yaml"))));
    CASES.put("provider revoke", new Case(null, () -> a("provider", "revoke", "--licence-digest", "0".repeat(64), "--key", t("k.json"),
        "--gateway", "http://127.0.0.1:1", "--policy", t("nopolicy.yaml"))));
    CASES.put("provenance model", new Case(null, () -> a("provenance", "model", "model-x", "--gateway", "http://127.0.0.1:9",
        "--policy", t("nopolicy.yaml"), "--key", t("k.json"), "--checkpoint-dir", t("cps"), "--store", t("prov"))));
    CASES.put("provenance study", new Case(null, () -> a("provenance", "study", "--series", "1.2.3", "--store", t("prov"),
        "--gateway", "http://127.0.0.1:9", "--policy", t("nopolicy.yaml"), "--key", t("k.json"), "--checkpoint-dir", t("cps"))));
    CASES.put("provenance verify", new Case(null, () -> a("provenance", "verify", t("push"))));
    CASES.put("provenance prune", new Case(() -> a("provenance", "prune", "--store", t("push")),
        () -> a("provenance", "prune", "--store", t("no-such-store"))));
    CASES.put("bench seal", new Case(() -> a("bench", "seal", "--bytes", "1048576", "--openssl-seconds", "1"),
        () -> a("bench", "seal", "--bytes", "10")));
    CASES.put("bench seg", new Case(() -> a("bench", "seg", "--size", "64x64x4", "--segments", "2", "--runs", "1"),
        () -> a("bench", "seg", "--size", "big")));
    CASES.put("bench enclave", new Case(() -> a("bench", "enclave", "--size", "64", "--slices", "8", "--runs", "1"),
        () -> a("bench", "enclave", "--bogus")));
    CASES.put("bench enclave --link-mbps", new Case(() -> a("bench", "enclave", "--size", "64", "--slices", "8", "--runs", "1",
        "--link-mbps", "1000"), () -> a("bench", "enclave", "--link-mbps", "0")));
    CASES.put("bench cohort", new Case(() -> a("bench", "cohort", "--series", "1", "--concurrency", "1", "--size", "64", "--slices", "8",
        "--heap", "256m"), () -> a("bench", "cohort", "--heap", "lots")));
    CASES.put("bench attest", new Case(() -> a("bench", "attest", "--vectors", ATTEST.toString(), "--runs", "1"),
        () -> a("bench", "attest", "--vectors", ATTEST.toString(), "--runs", "0")));
    CASES.put("bench wado", new Case(
        () -> a("bench", "wado", "--dicomweb", PACS.dicomWebUrl(), "--study", study, "--series", series, "--runs", "1", "--heap", "128m"),
        () -> a("bench", "wado", "--bogus")));
  }

  record Run(int exit, String out, String err) {}

  static Run run(String[] args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--json");
    StringWriter out = new StringWriter(), err = new StringWriter();
    CommandLine cli = DevCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  static JsonNode envelope(String name, Run r, boolean ok) throws Exception {
    assertThat(r.out().strip().lines().count()).as("%s --json prints one line: %s %s", name, r.out(), r.err()).isEqualTo(1);
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.fieldNames().next()).as("%s: ok comes first", name).isEqualTo("ok");
    assertThat(j.path("ok").isBoolean()).as(name).isTrue();
    assertThat(j.path("ok").asBoolean()).as("%s ok: %s %s", name, r.out(), r.err()).isEqualTo(ok);
    if (ok) {
      assertThat(r.exit()).as("%s exit: %s", name, r.err()).isZero();
      assertThat(j.has("error")).as(name).isFalse();
    } else {
      assertThat(r.exit()).as("%s exit", name).isIn(1, 2);
      assertThat(j.path("error").path("code").asText()).as(name).isNotBlank().matches("[A-Z_]+");
      assertThat(j.path("error").path("message").asText()).as(name).isNotBlank().doesNotContain("Exception").doesNotContain("java.");
      assertThat(j.path("error").has("field")).as(name).isTrue();
      if (r.exit() == 2) assertThat(j.path("error").path("code").asText()).as(name).isEqualTo("USAGE");
    }
    return j;
  }

  static List<String> jsonCommands(List<String> without) {
    List<String> names = new ArrayList<>();
    walk(DevCli.commandLine(), "", names, without);
    return names;
  }

  private static void walk(CommandLine cmd, String prefix, List<String> json, List<String> without) {
    for (var e : cmd.getSubcommands().entrySet()) {
      String name = prefix.isEmpty() ? e.getKey() : prefix + " " + e.getKey();
      CommandLine c = e.getValue();
      if (c.getSubcommands().isEmpty()) {
        if (c.getCommandSpec().findOption("--json") != null) json.add(name);
        else without.add(name);
      }
      walk(c, name, json, without);
    }
  }

  @Test
  @Order(1)
  void everyJsonCommandHasACase() {
    List<String> without = new ArrayList<>();
    List<String> json = jsonCommands(without);
    assertThat(json).as("commands with --json and no case here").allSatisfy(n -> assertThat(CASES).containsKey(n));
    assertThat(without).as("commands without --json must say why").allSatisfy(n -> assertThat(NO_JSON).containsKey(n));
    for (var e : CASES.entrySet()) {
      if (e.getValue().success() == null) assertThat(SUCCESS_ELSEWHERE).as(e.getKey()).containsKey(e.getKey());
    }
  }

  @Test
  @Order(2)
  void everyCommandsEnvelopeOnSuccessAndOnFailure() throws Exception {
    List<String> order = new ArrayList<>(CASES.keySet());
    for (String name : order) {
      Case c = CASES.get(name);
      if (c.success() != null) {
        JsonNode j = envelope(name, run(c.success().get()), true);
        if (name.equals("demo")) demoReceipt = j.path("receiptFile").asText();
      }
      envelope(name, run(c.failure().get()), false);
    }
  }
}
