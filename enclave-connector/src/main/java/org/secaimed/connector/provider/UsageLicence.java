package org.secaimed.connector.provider;

import static org.secaimed.connector.party.RequestRefusedException.Rule.LICENCE_INVALID;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.secaimed.connector.party.CanonicalJson;
import org.secaimed.connector.party.PartyPublicKey;
import org.secaimed.connector.party.RequestRefusedException;

/**
 * An algorithm provider's usage licence for one model (docs/gateway-protocol.md, "Usage licence"):
 * which sites may use it, for which task kinds, how many runs in all and per site, until when, and
 * what each task kind may hand out. It travels beside the sealed model bundle, signed by the
 * provider ({@link SignedLicence}); the bundle is sealed under a binding that names its
 * {@link #digest()}, so the gateway can neither strip nor swap it. The enclave counts runs in its
 * log. Same canonical-encoding rules as the sites' {@code UsagePolicy}: one licence, one digest.
 */
@JsonPropertyOrder({"version", "id", "provider", "model", "sites", "taskKinds", "maxRuns", "maxRunsPerSite", "notAfter", "outputs"})
public record UsageLicence(
    int version,
    String id,
    String provider,
    Model model,
    List<String> sites,
    List<String> taskKinds,
    int maxRuns,
    int maxRunsPerSite,
    String notAfter,
    Map<String, List<String>> outputs) {

  public static final int VERSION = 1;
  /** What the model may be used for: segment studies, be fine-tuned on them, be evaluated against references. */
  public static final Set<String> TASK_KINDS = Set.of("segmentation", "fine-tuning", "evaluation");
  /**
   * What each task kind may hand out. Evaluation gives metrics only (never label maps that would let
   * a site rebuild the model's behaviour voxel by voxel); fine-tuned weights stay sealed in the
   * enclave under this licence ({@code sealed-model}), never a plaintext model.
   */
  public static final Map<String, Set<String>> ALLOWED_OUTPUTS = Map.of(
      "segmentation", Set.of("segmentation", "metrics"),
      "evaluation", Set.of("metrics"),
      "fine-tuning", Set.of("sealed-model", "metrics"));
  public static final int MAX_RUNS_LIMIT = 1_000_000;
  /** The licensed model: catalogue id and version from its manifest, SHA-256 of the ONNX bytes. */
  @JsonPropertyOrder({"id", "version", "digest"})
  public record Model(String id, String version, String digest) {}

  /** Parses and validates; throws {@code usage-licence-invalid} naming the field. */
  public static UsageLicence parse(byte[] encoded) throws RequestRefusedException {
    return CanonicalJson.parse(encoded, UsageLicence.class, "usage licence", LICENCE_INVALID, UsageLicence::validate);
  }

  /** The canonical bytes that are signed and whose SHA-256 is {@link #digest()}. */
  public byte[] encoded() {
    return CanonicalJson.encode(this);
  }

  /** Hex SHA-256 of the canonical encoding: what bundles are bound to and logs and receipts name. */
  public String digest() {
    return CanonicalJson.digest(this);
  }

  public Instant notAfterInstant() {
    return Instant.parse(notAfter);
  }

  public List<String> outputsOf(String taskKind) {
    return outputs.getOrDefault(taskKind, List.of());
  }

  private void validate() throws RequestRefusedException {
    if (version != VERSION) invalid("field 'version' is " + version + ", this enclave reads version " + VERSION);
    if (id == null || !id.matches("[0-9a-f]{32}")) invalid("field 'id' must be 32 hex digits");
    if (!PartyPublicKey.isId(provider)) invalid("field 'provider' must be a party id (64 hex digits)");
    if (model == null) invalid("field 'model' is required");
    if (model.id() == null || !model.id().matches("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")) invalid("field 'model.id' is malformed");
    if (model.version() == null || !model.version().matches("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")) invalid("field 'model.version' is malformed");
    if (model.digest() == null || !model.digest().matches("sha256:[0-9a-f]{64}")) invalid("field 'model.digest' must be sha256:<64 hex>");
    requireSorted("sites", sites);
    if (sites.isEmpty()) invalid("field 'sites' must name at least one site");
    for (String s : sites) if (!PartyPublicKey.isId(s)) invalid("field 'sites' must list party ids (64 hex digits)");
    requireSorted("taskKinds", taskKinds);
    if (taskKinds.isEmpty()) invalid("field 'taskKinds' must name at least one task kind");
    for (String k : taskKinds) if (!TASK_KINDS.contains(k)) invalid("field 'taskKinds' names unknown kind '" + k + "'");
    if (maxRuns < 1 || maxRuns > MAX_RUNS_LIMIT) invalid("field 'maxRuns' must be 1.." + MAX_RUNS_LIMIT);
    if (maxRunsPerSite < 1 || maxRunsPerSite > maxRuns) invalid("field 'maxRunsPerSite' must be 1..maxRuns (" + maxRuns + ")");
    try {
      Instant.parse(notAfter);
    } catch (DateTimeParseException | NullPointerException e) {
      invalid("field 'notAfter' must be an ISO-8601 instant such as 2027-01-01T00:00:00Z");
    }
    if (outputs == null) invalid("field 'outputs' is required");
    for (String k : taskKinds) if (!outputs.containsKey(k)) invalid("field 'outputs' must say what task kind '" + k + "' may hand out");
    for (var e : outputs.entrySet()) {
      if (!taskKinds.contains(e.getKey())) invalid("field 'outputs' names task kind '" + e.getKey() + "' the licence does not allow");
      requireSorted("outputs." + e.getKey(), e.getValue());
      if (e.getValue().isEmpty()) invalid("field 'outputs." + e.getKey() + "' must name at least one output");
      for (String o : e.getValue()) {
        if (!ALLOWED_OUTPUTS.get(e.getKey()).contains(o)) {
          invalid("field 'outputs." + e.getKey() + "': a " + e.getKey() + " task may hand out only " + new TreeSet<>(ALLOWED_OUTPUTS.get(e.getKey())) + ", not '" + o + "'");
        }
      }
    }
  }

  private static void requireSorted(String field, List<String> l) throws RequestRefusedException {
    CanonicalJson.requireSortedUnique(field, l, "usage licence", LICENCE_INVALID);
  }

  private static void invalid(String why) throws RequestRefusedException {
    throw new RequestRefusedException(LICENCE_INVALID, "usage licence: " + why);
  }

  public static Builder builder(String provider, Model model) {
    return new Builder(provider, model);
  }

  /** Validating builder; lists are kept sorted and unique (the canonical form). */
  public static final class Builder {
    private final String provider;
    private final Model model;
    private final TreeSet<String> sites = new TreeSet<>();
    private final TreeMap<String, TreeSet<String>> outputs = new TreeMap<>();
    private int maxRuns = 1;
    private int maxRunsPerSite = 1;
    private Instant notAfter;
    private String id;

    private Builder(String provider, Model model) {
      this.provider = provider;
      this.model = model;
      byte[] r = new byte[16];
      new SecureRandom().nextBytes(r);
      this.id = HexFormat.of().formatHex(r);
    }

    public Builder sites(String... parties) {
      sites.addAll(List.of(parties));
      return this;
    }

    /** Allows {@code taskKind} with these outputs (see {@link #ALLOWED_OUTPUTS}). */
    public Builder allow(String taskKind, String... outputKinds) {
      outputs.computeIfAbsent(taskKind, k -> new TreeSet<>()).addAll(List.of(outputKinds));
      return this;
    }

    public Builder maxRuns(int total, int perSite) {
      this.maxRuns = total;
      this.maxRunsPerSite = perSite;
      return this;
    }

    public Builder notAfter(Instant t) {
      this.notAfter = t;
      return this;
    }

    public Builder id(String hex32) {
      this.id = hex32;
      return this;
    }

    /** Throws IllegalArgumentException naming the field when the licence would not parse. */
    public UsageLicence build() {
      Map<String, List<String>> o = new TreeMap<>();
      outputs.forEach((k, v) -> o.put(k, List.copyOf(v)));
      UsageLicence l = new UsageLicence(VERSION, id, provider, model, List.copyOf(sites), List.copyOf(outputs.keySet()), maxRuns,
          maxRunsPerSite, notAfter == null ? null : notAfter.truncatedTo(ChronoUnit.SECONDS).toString(), Collections.unmodifiableMap(o));
      try {
        return parse(l.encoded());
      } catch (RequestRefusedException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
  }
}
