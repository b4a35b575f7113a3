package org.secaimed.connector.provenance;

/**
 * A provenance report failed verification. {@link #step()} says which check, {@link #subject()}
 * names what failed it (a task id, a leaf, a party, "checkpoint"...).
 */
public final class ProvenanceException extends Exception implements org.secaimed.connector.SecaimedFailure {
  private static final long serialVersionUID = 1L;

  public enum Step {
    /** Not a well-formed report or evidence file. */
    MALFORMED("MALFORMED"),
    /** The log's checkpoint does not verify under the attested key and its origin. */
    CHECKPOINT("CHECKPOINT"),
    /** The log is not an extension of the checkpoint the site pinned: forked, rewritten or rolled back. */
    CONSISTENCY("LOG_FORKED"),
    /** A receipt, the index or a statement is not signed by the attested key (tampered). */
    SIGNATURE("TAMPERED"),
    /** An entry the enclave lists is absent, or a receipt is not provably in the log. */
    MISSING_ENTRY("MISSING_LOG_ENTRY"),
    /** Signed documents contradict each other (index vs. receipts, receipts vs. policies). */
    MISMATCH("MISMATCH"),
    /** An input's usage policy is missing, not signed by its owner, or the model's policy is not derived from them. */
    POLICY("POLICY"),
    /** This site's own instances do not match the commitment the receipt names for its input. */
    OWN_CONTRIBUTION("OWN_CONTRIBUTION"),
    /** The model-signing statement does not verify or does not name the trained model's bytes. */
    MODEL_SIGNATURE("MODEL_SIGNATURE"),
    /** Nothing ties the signing key to attested hardware under the auditor's policy. */
    ANCHOR("UNANCHORED");

    private final String code;

    Step(String code) {
      this.code = code;
    }

    /** The stable error code a script matches on (CLI {@code error.code}). */
    public String code() {
      return code;
    }
  }

  private final Step step;
  private final String subject;

  public ProvenanceException(Step step, String subject, String message) {
    this(step, subject, message, null);
  }

  public ProvenanceException(Step step, String subject, String message, Throwable cause) {
    super(subject + ": " + message, cause);
    this.step = step;
    this.subject = subject;
  }

  @Override
  public String code() {
    return step.code();
  }

  public Step step() {
    return step;
  }

  public String subject() {
    return subject;
  }
}
