package org.secaimed.kaapana.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.collateral.CollateralException;
import org.secaimed.connector.attest.collateral.CollateralItem;
import org.secaimed.connector.attest.collateral.CollateralProvider;
import org.secaimed.connector.attest.collateral.CollateralStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code secaimed attest collateral}: the site's collateral store. {@code fetch} seeds it with what
 * an evidence needs (on a connected machine; the folder is then copied to an air-gapped site and
 * used with {@code --offline}); {@code list} shows what it holds and until when it is fresh.
 */
@Command(name = "collateral", description = "The site's AMD KDS / Intel PCS collateral store: seed it, list it",
    subcommands = {AttestCollateralCommand.Fetch.class, AttestCollateralCommand.ListStore.class})
public final class AttestCollateralCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: fetch, list");
  }

  @Command(name = "fetch", mixinStandardHelpOptions = true,
      description = {"Fetch (or refresh) into the store everything one evidence needs from AMD KDS / Intel PCS.",
          "Copy the store folder to an air-gapped site and verify there with --collateral-store DIR --offline.",
          "Exit 0 fetched, 1 a service failed, 2 usage."})
  static final class Fetch implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Option(names = "--evidence", required = true, paramLabel = "FILE",
        description = "a report or quote (with --format), or the gateway's POST /v1/attestation answer (JSON)")
    Path evidence;
    @Option(names = "--format", description = "sev-snp | azure-snp-hcl | tdx | sgx | composite; not needed for a gateway's answer")
    String format;
    @Option(names = "--store", required = true, paramLabel = "DIR", description = "the collateral store folder (created when missing)")
    Path store;
    @Option(names = "--at", paramLabel = "ISO-8601-INSTANT", description = "the instant freshness is judged at (default: now)")
    Instant at;
    @Mixin CollateralOptions endpoints;
    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
      Evidence answered = GatewayAnswer.read(spec, evidence, format);
      String fmt = answered != null ? answered.format() : format;
      if (fmt == null) throw Usage.error(spec, "--format", "missing: give --format, or an --evidence file that is a gateway's attestation answer");
      Evidence ev;
      try {
        ev = answered != null ? answered : new Evidence(fmt, Files.readAllBytes(Usage.inputFile("--evidence", evidence)), List.of(), List.of());
      } catch (IOException e) {
        throw new CliFailure("IO", "--evidence " + ErrorReport.of(e).message(), "--evidence");
      }
      Instant when = at != null ? at : Instant.now().truncatedTo(ChronoUnit.SECONDS);
      CollateralProvider.Resolution r;
      try {
        r = endpoints.site(spec, store, false).resolve(ev, when, java.time.Duration.ZERO);
      } catch (CollateralException e) {
        throw new CliFailure("COLLATERAL_UNAVAILABLE", e.getMessage(), "--evidence");
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        JsonOutput.ok(out, Map.of("store", store.toString(), "format", fmt, "items", r.sources()));
      } else {
        out.println((r.sources().isEmpty() ? "nothing to fetch for " + fmt : "collateral for " + fmt + " in " + store + ":"));
        r.sources().forEach(s -> out.println("  " + s));
        out.flush();
      }
      return SecaimedCli.EXIT_OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"List the store's items: key, kind, when fetched and until when fresh (immutable VCEKs: for ever).",
          "Exit 0 listed, 1 an entry is damaged, 2 usage."})
  static final class ListStore implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Option(names = "--store", required = true, paramLabel = "DIR", description = "the collateral store folder")
    Path store;
    @Option(names = "--at", paramLabel = "ISO-8601-INSTANT", description = "the instant freshness is judged at (default: now)")
    Instant at;
    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
      Usage.inputFolder("--store", store);
      Instant when = at != null ? at : Instant.now().truncatedTo(ChronoUnit.SECONDS);
      CollateralStore s = new CollateralStore(store);
      List<Map<String, Object>> items = new ArrayList<>();
      try {
        for (String key : s.keys()) {
          CollateralItem i = s.read(key).orElseThrow();
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("key", key);
          m.put("kind", i.kind().name());
          m.put("url", i.url());
          m.put("fetchedAt", i.fetchedAt().toString());
          m.put("freshUntil", i.freshUntil() == null ? "forever" : i.freshUntil().toString());
          m.put("fresh", i.freshAt(when));
          items.add(m);
        }
      } catch (IOException e) {
        throw new CliFailure("IO", "--store " + ErrorReport.of(e).message(), "--store");
      } catch (CollateralException e) {
        throw new CliFailure("COLLATERAL_DAMAGED", e.getMessage(), "--store");
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        JsonOutput.ok(out, Map.of("store", store.toString(), "at", when.toString(), "items", items));
      } else {
        out.println(items.size() + " item(s) in " + store + " at " + when);
        for (Map<String, Object> m : items) {
          out.printf("  %-60s %-22s fetched %s, fresh until %s%s%n", m.get("key"), m.get("kind"), m.get("fetchedAt"), m.get("freshUntil"),
              Boolean.TRUE.equals(m.get("fresh")) ? "" : " (STALE)");
        }
        out.flush();
      }
      return SecaimedCli.EXIT_OK;
    }
  }
}
