package org.secaimed.dicom.web;

import java.util.List;

/**
 * The Store Instances Response of a STOW-RS request, per instance. The HTTP status alone does
 * not say what was stored (Orthanc answers 400 to a mixed request yet stores the good parts):
 * look at {@link #outcomes()}.
 */
public record StowResult(int httpStatus, String retrieveUrl, List<StowOutcome> outcomes) {
  public StowResult {
    outcomes = List.copyOf(outcomes);
  }

  public boolean allStored() {
    return outcomes.stream().allMatch(StowOutcome::stored);
  }

  public long storedCount() {
    return outcomes.stream().filter(StowOutcome::stored).count();
  }

  public List<StowOutcome> notStored() {
    return outcomes.stream().filter(o -> !o.stored()).toList();
  }
}
