package org.secaimed.kaapana.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secaimed.connector.attest.PolicyException;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.seal.KemKeys;
import org.secaimed.kaapana.operator.KaapanaEnvironment;

/**
 * {@code kaapana run --check}: everything the job would need, parsed and validated, every problem
 * listed at once (not one per attempt): the policy parses and is valid, the site key parses, and
 * with {@code --online} the gateway answers and its attestation passes the policy.
 */
final class RunCheck {
  /** One check's outcome: where (source), and null or the problem. */
  record Item(String source, String problem) {
    boolean ok() {
      return problem == null;
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("source", source);
      m.put("ok", ok());
      if (!ok()) m.put("problem", problem);
      return m;
    }
  }

  private RunCheck() {}

  static List<Item> run(KaapanaEnvironment ke, boolean online) {
    List<Item> items = new ArrayList<>();
    String profile = ke.site().gatewayProfile();
    Policy policy = null;
    try {
      policy = Policy.parse(ke.site().policyYaml());
      items.add(new Item(profile + ".policy", null));
    } catch (PolicyException e) {
      items.add(new Item(profile + ".policy", ErrorReport.clean(e.getMessage())));
    }
    try {
      KemKeys.parsePrivateKey(ke.site().siteKeyJson(), "site key");
      items.add(new Item("site key", null));
    } catch (Exception e) {
      items.add(new Item("site key", ErrorReport.of(e).message()));
    }
    if (online) items.add(attest(profile, ke, policy));
    return items;
  }

  /** Reaches the gateway and attests it under the site's policy (nothing is uploaded). */
  private static Item attest(String profile, KaapanaEnvironment ke, Policy policy) {
    String source = profile + ".gateway " + ke.site().gatewayUrl();
    if (policy == null) return new Item(source, "not attested: the policy is not valid");
    try {
      // As the job does: with the site's own KDS/PCS collateral, the gateway's only a hint.
      GatewaySession.builder(ke.site().gatewayUrl()).policy(policy)
          .siteCollateral(ke.siteCollateral())
          .build().attest();
      return new Item(source, null);
    } catch (Exception e) {
      return new Item(source, ErrorReport.of(e).message());
    }
  }
}
