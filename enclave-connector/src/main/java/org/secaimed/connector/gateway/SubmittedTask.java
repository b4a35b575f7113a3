package org.secaimed.connector.gateway;

/** A task the gateway accepted, with what was asked, so the receipt can be held against it. */
public record SubmittedTask(String taskId, TaskSpec spec, String recipientKeyId, String evidenceDigest, String policyDigest) {
  /**
   * The same task once the uploads it named while they arrived (streamed ingest) have completed:
   * {@code completed} names the blobs they became, which its receipt must name.
   */
  public SubmittedTask withInputs(TaskSpec completed) {
    if (!completed.kind().equals(spec.kind()) || !completed.algorithm().equals(spec.algorithm())
        || completed.inputBlobIds().size() != spec.inputBlobIds().size()) {
      throw new IllegalArgumentException("a completed task names the same kind, algorithm and number of inputs");
    }
    return new SubmittedTask(taskId, completed, recipientKeyId, evidenceDigest, policyDigest);
  }
}
