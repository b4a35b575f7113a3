package org.secaimed.kaapana.cli;

import java.nio.file.Path;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.seal.KemKeys;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options of every command that talks to the enclave as a party (a provider's
 * {@code publish|usage|revoke}, a site's {@code provenance model|study}): the gateway, the
 * attestation policy its evidence must pass, the party's key, and the site's own collateral.
 */
final class PartyConnection {
  @Option(names = "--gateway", required = true, paramLabel = "URL", description = "the enclave gateway")
  String gateway;

  @Option(names = "--policy", required = true, paramLabel = "FILE", description = "your attestation policy (YAML) the enclave's evidence must pass")
  Path policy;

  @Option(names = "--key", required = true, paramLabel = "FILE", description = "your private key file (from keygen); your party key is derived from it")
  Path key;

  @CommandLine.Mixin SiteCollateralOptions collateral = new SiteCollateralOptions();

  /** Usage errors for missing or unreadable files, before anything else runs. */
  void requireInputs() {
    Usage.inputFile("--policy", policy);
    Usage.inputFile("--key", key);
  }

  /** A session builder that verifies the enclave under the policy with the site's own collateral. */
  GatewaySession.Builder session(CommandLine.Model.CommandSpec spec) throws Exception {
    return GatewaySession.builder(gateway).policy(Policy.load(policy)).siteCollateral(collateral.provider(spec));
  }
}
