package org.secaimed.connector.party;

import org.secaimed.connector.io.Digests;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The usage policy a trained model inherits from the usage policies of the inputs it was trained
 * on (docs/gateway-protocol.md, "Consortium training"): only what every contributor allowed.
 * Segmenting (or fine-tuning) with it needs a party every contributor listed under
 * {@code recipients.model}; evaluating it (metrics only) a party every contributor listed under
 * {@code recipients.metrics}; purposes are the intersection, the expiry the earliest.
 */
@JsonPropertyOrder({"modelId", "modelDigest", "trainingTask", "contributors", "inputPolicies", "segmentationUsers", "metricsUsers",
    "purposes", "notAfter"})
public record ModelPolicy(String modelId, String modelDigest, String trainingTask, List<String> contributors, List<String> inputPolicies,
    List<String> segmentationUsers, List<String> metricsUsers, List<String> purposes, String notAfter) {
  private static final ObjectMapper CANONICAL = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

  /** Derives the model's policy from the policies of the inputs it was trained on. */
  public static ModelPolicy derive(String modelId, String modelDigest, String trainingTask, List<UsagePolicy> inputs) {
    if (inputs.isEmpty()) throw new IllegalArgumentException("a model is trained on at least one input");
    TreeSet<String> contributors = new TreeSet<>();
    TreeSet<String> digests = new TreeSet<>();
    TreeSet<String> seg = new TreeSet<>(inputs.get(0).recipientsOf("model"));
    TreeSet<String> metrics = new TreeSet<>(inputs.get(0).recipientsOf("metrics"));
    TreeSet<String> purposes = new TreeSet<>(inputs.get(0).purposes());
    Instant notAfter = inputs.get(0).notAfterInstant();
    for (UsagePolicy p : inputs) {
      contributors.add(p.owner());
      digests.add(p.digest());
      seg.retainAll(Set.copyOf(p.recipientsOf("model")));
      metrics.retainAll(Set.copyOf(p.recipientsOf("metrics")));
      purposes.retainAll(Set.copyOf(p.purposes()));
      if (p.notAfterInstant().isBefore(notAfter)) notAfter = p.notAfterInstant();
    }
    return new ModelPolicy(modelId, modelDigest, trainingTask, new ArrayList<>(contributors), new ArrayList<>(digests),
        new ArrayList<>(seg), new ArrayList<>(metrics), new ArrayList<>(purposes), notAfter.toString());
  }

  /** Refuses ({@code model-use-not-allowed}) a task that uses this model beyond what its contributors allowed. */
  public void requireAllows(String submitter, String purpose, String kind, Instant at) throws RequestRefusedException {
    List<String> users = "evaluation".equals(kind) ? metricsUsers : segmentationUsers;
    String use = "evaluation".equals(kind) ? "evaluate" : "segment with or fine-tune";
    if (!users.contains(submitter)) {
      throw refuse("party " + UsageDecision.shortId(submitter) + " may not " + use + " model " + modelId + " (not allowed by every contributor)");
    }
    if (purpose == null || !purposes.contains(purpose)) throw refuse("purpose '" + purpose + "' is not allowed for model " + modelId);
    if (!at.isBefore(Instant.parse(notAfter))) throw refuse("the usage policy of model " + modelId + " expired at " + notAfter);
  }

  private static RequestRefusedException refuse(String m) {
    return new RequestRefusedException(RequestRefusedException.Rule.MODEL_USE_NOT_ALLOWED, m);
  }

  /** Hex SHA-256 of the canonical JSON, named in the training receipt. */
  public String digest() {
    try {
      return Digests.sha256Hex(CANONICAL.writeValueAsBytes(this));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
