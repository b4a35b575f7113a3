package org.secaimed.dicom.dimse;

import java.util.List;

/** Per-instance C-STORE results of one association. */
public record StoreResult(List<StoreOutcome> outcomes) {
  public StoreResult {
    outcomes = List.copyOf(outcomes);
  }

  public boolean allStored() {
    return !outcomes.isEmpty() && outcomes.stream().allMatch(StoreOutcome::stored);
  }

  public long storedCount() {
    return outcomes.stream().filter(StoreOutcome::stored).count();
  }
}
