package org.secaimed.connector.gateway;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.secaimed.connector.gateway.generated.model.Algorithm;
import org.secaimed.connector.party.PartyKey;
import org.secaimed.connector.party.UsagePolicy;

/**
 * Which usage policy a site seals with each upload. The default, {@link #ownUse}, lets only the
 * site itself submit tasks and receive every output, for the algorithms of the attested
 * enclave's catalogue, for 30 days and 16 uses: a single site's behaviour under protocol v1,
 * now enforced by the enclave.
 */
@FunctionalInterface
public interface UsagePolicies {
  /** The purpose of the default policy and of tasks that name none. */
  String OWN_USE = "own-use";

  /** A fresh policy (new id) for one upload by {@code site}; {@code catalogue} is the enclave's. */
  UsagePolicy forUpload(PartyKey site, List<Algorithm> catalogue);

  static UsagePolicies ownUse(Clock clock) {
    return (site, catalogue) -> {
      UsagePolicy.Builder b = UsagePolicy.builder(site.id()).purposes(OWN_USE)
          .taskKinds("segmentation", "training", "evaluation").submitters(site.id())
          .recipients("segmentation", site.id()).recipients("metrics", site.id()).recipients("model", site.id())
          .notAfter(clock.instant().plus(Duration.ofDays(30))).maxUses(16);
      for (Algorithm a : catalogue) b.algorithm(a.getId(), a.getDigest());
      return b.build();
    };
  }
}
