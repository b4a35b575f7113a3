package org.secaimed.kaapana.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.secaimed.connector.attest.Check;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.PolicyException;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.attest.validate.PolicyValidator;
import org.secaimed.connector.attest.verify.Hex;
import org.secaimed.connector.attest.verify.VerificationContext;
import org.secaimed.connector.attest.verify.VerifiedEvidence;
import org.secaimed.connector.attest.verify.Verifiers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code secaimed attest}: verify attestation evidence offline and, with a policy, judge it. */
@Command(name = "attest", description = "Verify attestation evidence and validate it against a policy",
    subcommands = {AttestCommand.VerifyEvidence.class, AttestCollateralCommand.class})
public final class AttestCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: verify-evidence, collateral");
  }

  /**
   * {@code attest verify-evidence}: is this evidence genuine (signatures, chains to pinned vendor
   * roots)? With {@code --policy}, is it also acceptable? Exit 0 only when verified (and accepted).
   */
  @Command(name = "verify-evidence", mixinStandardHelpOptions = true,
      description = {"Verify one attestation evidence file: SEV-SNP report, Azure HCL report, TDX/SGX quote, EAR token, dev evidence.",
          "Without --policy it answers 'genuine?'; with --policy also 'acceptable?'. Exit 0 verified (and accepted), 1 not, 2 usage."})
  static final class VerifyEvidence implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--format", description = "sev-snp | azure-snp-hcl | tdx | sgx | ear | dev | composite; not needed for a gateway's attestation answer")
    String format;
    @Option(names = "--evidence", required = true, paramLabel = "FILE",
        description = "the report, quote or token; or the gateway's own POST /v1/attestation answer (JSON), certificates and collateral included")
    Path evidence;
    @Option(names = "--cert", paramLabel = "FILE", description = "certificates (PEM, possibly several, or DER), any order; repeatable")
    List<Path> certs = new ArrayList<>();
    @Option(names = "--collateral", paramLabel = "FILE", description = "Intel TCB info / QE identity JSON, DER CRLs, PEM chains; repeatable")
    List<Path> collateral = new ArrayList<>();
    @Option(names = "--key", paramLabel = "FILE.jwk.json", description = "pinned public key (JWK) of an attestation-result verifier (for ear); repeatable")
    List<Path> keys = new ArrayList<>();
    @Option(names = "--at", paramLabel = "ISO-8601-INSTANT", description = "verification time (default: now); historic vectors need a fixed time")
    Instant at;
    @Option(names = "--policy", paramLabel = "FILE", description = "policy YAML to judge the verified claims (docs/policy.md)")
    Path policy;
    @Option(names = "--report-data", paramLabel = "HEX", description = "expected 64-byte report data (key binding), checked when given")
    String reportData;
    @Option(names = "--collateral-store", paramLabel = "DIR",
        description = "use the site's own AMD KDS / Intel PCS collateral, fetched into and cached in DIR; --cert/--collateral and the gateway's become hints")
    Path collateralStore;
    @Option(names = "--offline", description = "with --collateral-store: only the pre-seeded store, no network (air-gapped sites)")
    boolean offline;
    @CommandLine.Mixin CollateralOptions endpoints;
    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    private List<String> collateralSources = List.of();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Instant when = at != null ? at : Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      Policy pol = null;
      List<PublicKey> pinned = new ArrayList<>();
      byte[] expectedReportData = null;
      Evidence ev;
      Verifiers verifiers = Verifiers.standard();
      if (format != null && !verifiers.formats().contains(format)) {
        throw Usage.error(spec, "--format", "unknown format '" + format + "'; expected one of " + String.join(", ", new java.util.TreeSet<>(verifiers.formats())));
      }
      Evidence answered = GatewayAnswer.read(spec, evidence, format);
      if (answered != null) format = answered.format();
      if (format == null) throw Usage.error(spec, "--format", "missing: give --format, or an --evidence file that is a gateway's attestation answer");
      if (!verifiers.formats().contains(format)) {
        throw Usage.error(spec, "--format", "unknown format '" + format + "'; expected one of " + String.join(", ", new java.util.TreeSet<>(verifiers.formats())));
      }
      if (reportData != null) {
        try {
          expectedReportData = Hex.parse(reportData);
        } catch (IllegalArgumentException e) {
          throw Usage.error(spec, "--report-data", "not hex");
        }
        if (expectedReportData.length != 64) throw Usage.error(spec, "--report-data", "must be 64 bytes, is " + expectedReportData.length);
      }
      if (policy != null) {
        try {
          pol = Policy.load(Usage.inputFile("--policy", policy));
        } catch (PolicyException e) {
          throw new CliFailure("INVALID_POLICY", "--policy " + policy + ": " + e.getMessage().replaceFirst("^policy: ", ""), "--policy");
        }
        pinned.addAll(pol.earVerifierKeys());
      }
      for (Path k : keys) {
        try {
          JsonNode jwk = JsonOutput.mapper().readTree(read("--key", k));
          pinned.add(Policy.publicKey(jwk, "--key " + k));
        } catch (PolicyException | IOException e) {
          throw new CliFailure("INVALID_KEY", e instanceof PolicyException ? e.getMessage() : "--key " + k + ": " + ErrorReport.of(e).message(), "--key");
        }
      }
      List<byte[]> certDers = new ArrayList<>();
      for (Path c : certs) {
        try {
          certDers.addAll(certificates(read("--cert", c)));
        } catch (IOException e) {
          throw new CliFailure("INVALID_CERT", "--cert " + c + ": " + e.getMessage(), "--cert");
        }
      }
      List<byte[]> coll = new ArrayList<>();
      for (Path c : collateral) coll.add(read("--collateral", c));
      if (answered != null) {
        certDers.addAll(0, answered.certificates());
        coll.addAll(0, answered.collateral());
        ev = new Evidence(format, answered.data(), certDers, coll);
      } else {
        ev = new Evidence(format, read("--evidence", evidence), certDers, coll);
      }

      if (offline && collateralStore == null) throw Usage.error(spec, "--offline", "needs --collateral-store DIR");
      if (collateralStore != null) ev = siteCollateral(ev, when, pol);
      VerifiedEvidence v = verifiers.verify(ev, new VerificationContext(when, pinned));
      List<Check> policyChecks = new ArrayList<>();
      if (pol != null) policyChecks.addAll(new PolicyValidator(pol).validate(v, when));
      if (expectedReportData != null) {
        byte[] expected = expectedReportData;
        boolean ok = v.verified() && v.reportData().map(rd -> MessageDigest.isEqual(rd, expected)).orElse(false);
        policyChecks.add(new Check("binding.report-data", "The evidence binds the expected keys and nonce (report data)",
            ok ? Check.Status.PASS : Check.Status.FAIL, ok ? "" : "report data differs or is absent"));
      }
      boolean accepted = v.verified() && policyChecks.stream().noneMatch(Check::failed);
      boolean judged = pol != null || expectedReportData != null;
      boolean ok = judged ? accepted : v.verified();
      if (json) printJson(out, v, when, pol, policyChecks, accepted, judged, ok);
      else printHuman(out, v, when, pol, policyChecks, accepted, judged);
      return ok ? SecaimedCli.EXIT_OK : SecaimedCli.EXIT_FAILED;
    }

    /** The evidence with the site's collateral in place of the given one (hints); unavailable collateral fails (exit 1). */
    private Evidence siteCollateral(Evidence hint, Instant when, Policy pol) {
      java.time.Duration grace = pol == null ? java.time.Duration.ZERO : pol.document().staleCollateralGrace();
      try {
        var r = endpoints.site(spec, collateralStore, offline).resolve(hint, when, grace);
        collateralSources = r.sources();
        return r.evidence();
      } catch (org.secaimed.connector.attest.collateral.CollateralException e) {
        throw new CliFailure("COLLATERAL_UNAVAILABLE", e.getMessage(), "--collateral-store");
      }
    }

    private void printJson(PrintWriter out, VerifiedEvidence v, Instant when, Policy pol, List<Check> policyChecks, boolean accepted,
        boolean judged, boolean ok) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("verified", v.verified());
      o.put("format", v.format());
      v.failedCheck().ifPresent(c -> {
        o.put("failedCheck", c.id());
        o.put("failure", c.description() + (c.detail().isEmpty() ? "" : " — " + c.detail()));
      });
      o.put("at", when.toString());
      o.put("insecure", v.insecure());
      o.put("checks", statusMap(v.checks()));
      o.put("claims", v.claims());
      v.tcbStatus().ifPresent(s -> o.put("tcbStatus", s));
      v.collateralCurrent().ifPresent(c -> o.put("collateralCurrent", c));
      if (collateralStore != null) o.put("collateralSources", collateralSources);
      if (judged) {
        o.put("accepted", accepted);
        if (pol != null) o.put("policy", Map.of("name", pol.name(), "digest", pol.digest()));
        o.put("policyChecks", statusMap(policyChecks));
        policyChecks.stream().filter(Check::failed).findFirst().ifPresent(c -> {
          o.put("policyFailedCheck", c.id());
          o.put("policyFailure", c.description() + (c.detail().isEmpty() ? "" : " — " + c.detail()));
        });
      }
      if (ok) {
        JsonOutput.ok(out, o);
      } else {
        String code = v.verified() ? "REJECTED" : "NOT_VERIFIED";
        Object why = v.verified() ? o.getOrDefault("policyFailure", "rejected") : o.getOrDefault("failure", "not verified");
        JsonOutput.failed(out, new ErrorReport(code, String.valueOf(why), null), o);
      }
    }

    private static Map<String, String> statusMap(List<Check> checks) {
      Map<String, String> m = new LinkedHashMap<>();
      checks.forEach(c -> m.put(c.id(), c.status().label()));
      return m;
    }

    private void printHuman(PrintWriter out, VerifiedEvidence v, Instant when, Policy pol, List<Check> policyChecks, boolean accepted, boolean judged) {
      String insecure = v.insecure() ? " [INSECURE: software key, no hardware protection]" : "";
      out.println((v.verified() ? "VERIFIED " : "NOT VERIFIED ") + v.format() + " at " + when + insecure);
      v.failedCheck().ifPresent(c -> out.println("  failed: " + c.line()));
      collateralSources.forEach(s -> out.println("  collateral: " + s));
      for (Check c : v.checks()) out.println("  " + c.line());
      for (String k : List.of("product", "signingKey", "measurement", "mrSigner", "reportedTcb", "debugAllowed", "debug",
          "eat_profile", "submodStatus", "reportData")) {
        if (v.claims().containsKey(k)) out.println("  " + k + ": " + v.claims().get(k));
      }
      v.tcbStatus().ifPresent(s -> out.println("  TCB status: " + s + v.collateralCurrent().map(c -> c ? " (collateral current)" : " (collateral EXPIRED)").orElse("")));
      if (judged) {
        out.println((accepted ? "ACCEPTED" : "REJECTED") + (pol != null ? " by policy '" + pol.name() + "' (sha256 " + pol.digest() + ")" : "") + insecure);
        for (Check c : policyChecks) out.println("  " + c.line());
      }
      out.flush();
    }

    /** An input file's bytes; a missing file or a folder is a failure naming the option (exit 1). */
    private static byte[] read(String option, Path p) {
      try {
        return Files.readAllBytes(Usage.inputFile(option, p));
      } catch (IOException e) {
        throw new CliFailure("IO", option + " " + ErrorReport.of(e).message(), option);
      }
    }

    /** PEM files may hold several certificates; anything else is passed on as DER bytes. */
    private static List<byte[]> certificates(byte[] file) throws IOException {
      String head = new String(file, 0, Math.min(file.length, 64), StandardCharsets.ISO_8859_1).strip();
      if (!head.startsWith("-----BEGIN")) return List.of(file);
      try {
        List<byte[]> out = new ArrayList<>();
        var cf = java.security.cert.CertificateFactory.getInstance("X.509");
        for (var c : cf.generateCertificates(new java.io.ByteArrayInputStream(file))) out.add(c.getEncoded());
        return out;
      } catch (java.security.GeneralSecurityException e) {
        throw new IOException("a PEM certificate file: " + e.getMessage(), e);
      }
    }
  }
}
