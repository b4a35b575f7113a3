package org.secaimed.kaapana.operator;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** Finds the one {@link KaapanaJob} on the class path. */
public final class KaapanaJobs {
  private KaapanaJobs() {}

  /** The registered job, empty when none is; more than one is a packaging error. */
  public static Optional<KaapanaJob> find() {
    List<KaapanaJob> jobs = ServiceLoader.load(KaapanaJob.class).stream().map(ServiceLoader.Provider::get).toList();
    if (jobs.size() > 1) {
      throw new IllegalStateException("more than one KaapanaJob registered: "
          + jobs.stream().map(j -> j.getClass().getName()).toList());
    }
    return jobs.stream().findFirst();
  }
}
