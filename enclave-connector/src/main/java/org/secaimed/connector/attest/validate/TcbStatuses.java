package org.secaimed.connector.attest.validate;

import java.util.Set;

/** Intel TCB statuses (PCS v4), plus the verdict when no TCB level matches. */
public final class TcbStatuses {
  public static final String NO_MATCHING_LEVEL = "NoMatchingTcbLevel";
  public static final Set<String> KNOWN = Set.of("UpToDate", "SWHardeningNeeded", "ConfigurationNeeded",
      "ConfigurationAndSWHardeningNeeded", "OutOfDate", "OutOfDateConfigurationNeeded", "Revoked", NO_MATCHING_LEVEL);

  private TcbStatuses() {}
}
