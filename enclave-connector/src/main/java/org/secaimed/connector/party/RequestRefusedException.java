package org.secaimed.connector.party;

import org.secaimed.connector.SecaimedFailure;

/**
 * A request, policy or task the enclave refuses. {@link Rule#slug()} is the stable RFC 9457
 * problem type ({@code https://secaimed.org/problems/<slug>}); the message names the input,
 * field or rule, never key bytes or patient data.
 */
public final class RequestRefusedException extends Exception implements SecaimedFailure {
  /** Every rule the enclave enforces before it opens anything, with its HTTP status. */
  public enum Rule {
    UNSIGNED_REQUEST("unsigned-request", 401),
    MALFORMED_SIGNATURE("malformed-request-signature", 401),
    BAD_SIGNATURE("bad-request-signature", 401),
    WRONG_ENCLAVE("request-for-another-enclave", 401),
    STALE_REQUEST("stale-request", 401),
    REPLAYED_REQUEST("replayed-request", 401),
    NOT_TASK_OWNER("not-task-owner", 403),
    POLICY_MISSING("usage-policy-missing", 403),
    POLICY_INVALID("usage-policy-invalid", 403),
    POLICY_BINDING("usage-policy-binding", 403),
    SUBMITTER_NOT_ALLOWED("submitter-not-allowed", 403),
    PURPOSE_NOT_ALLOWED("purpose-not-allowed", 403),
    TASK_KIND_NOT_ALLOWED("task-kind-not-allowed", 403),
    ALGORITHM_NOT_ALLOWED("algorithm-not-allowed", 403),
    RECIPIENT_NOT_ALLOWED("recipient-not-allowed", 403),
    CO_CONTRIBUTOR_NOT_ALLOWED("co-contributor-not-allowed", 403),
    POLICY_EXPIRED("policy-expired", 403),
    MAX_USES_EXCEEDED("max-uses-exceeded", 403),
    CONSENT_REVOKED("consent-revoked", 403),
    NOT_POLICY_OWNER("not-policy-owner", 403),
    MODEL_USE_NOT_ALLOWED("model-use-not-allowed", 403),
    // A model's provenance is told to the parties whose data trained it (docs/provenance.md).
    NOT_MODEL_CONTRIBUTOR("not-model-contributor", 403),
    // Algorithm providers' usage licences (issue #15, docs/gateway-protocol.md "Usage licence").
    LICENCE_INVALID("usage-licence-invalid", 403),
    LICENCE_REVOKED("licence-revoked", 403),
    LICENCE_EXPIRED("expired-licence", 403),
    SITE_NOT_LICENSED("site-not-licensed", 403),
    LICENCE_TASK_KIND_NOT_ALLOWED("licence-task-kind-not-allowed", 403),
    LICENCE_RUNS_EXCEEDED("licence-runs-exceeded", 403),
    LICENCE_MODEL_MISMATCH("licence-model-mismatch", 403),
    NOT_LICENCE_OWNER("not-licence-owner", 403);

    private final String slug;
    private final int status;

    Rule(String slug, int status) {
      this.slug = slug;
      this.status = status;
    }

    public String slug() {
      return slug;
    }

    public int status() {
      return status;
    }
  }

  private final Rule rule;

  public RequestRefusedException(Rule rule, String message) {
    super(message);
    this.rule = rule;
  }

  public Rule rule() {
    return rule;
  }

  @Override
  public String code() {
    return rule.name();
  }
}
