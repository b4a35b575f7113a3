package org.secaimed.connector.party;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A data-usage policy: what the owner of a sealed input allows the enclave to do with it
 * (docs/gateway-protocol.md, "Data-usage policy"). It travels beside the sealed archive, signed
 * by its owner ({@link SignedPolicy}), and its {@link #digest()} is bound into the archive's
 * header binding, so the gateway can neither strip nor swap it. Immutable; built only through
 * {@link #builder} or {@link #parse}, both of which validate every field.
 *
 * <p>The encoding is canonical (fixed field order, sorted unique lists, no whitespace): {@code
 * parse} refuses any other spelling, so one policy has exactly one digest.
 */
@JsonPropertyOrder({"version", "id", "owner", "purposes", "taskKinds", "algorithms", "submitters", "recipients",
    "coContributors", "notAfter", "maxUses"})
public record UsagePolicy(
    int version,
    String id,
    String owner,
    List<String> purposes,
    List<String> taskKinds,
    List<Algorithm> algorithms,
    List<String> submitters,
    Map<String, List<String>> recipients,
    List<String> coContributors,
    String notAfter,
    int maxUses) {

  public static final int VERSION = 1;
  public static final Set<String> TASK_KINDS = Set.of("segmentation", "training", "evaluation");
  /** Output kinds a policy hands out: a label map, numbers about the data, a trained model. */
  public static final Set<String> OUTPUT_KINDS = Set.of("segmentation", "metrics", "model");
  public static final int MAX_USES_LIMIT = 1_000_000;
  /** An algorithm the owner allows: catalogue id and the exact digest of its code. */
  @JsonPropertyOrder({"id", "digest"})
  public record Algorithm(String id, String digest) {}

  /** Which output kind a task of this kind produces. */
  public static String outputKindOf(String taskKind) {
    return switch (taskKind) {
      case "segmentation" -> "segmentation";
      case "training" -> "model";
      case "evaluation" -> "metrics";
      default -> throw new IllegalArgumentException("unknown task kind " + taskKind);
    };
  }

  /** Parses and validates; throws {@link RequestRefusedException} ({@code usage-policy-invalid}) naming the field. */
  public static UsagePolicy parse(byte[] encoded) throws RequestRefusedException {
    return CanonicalJson.parse(encoded, UsagePolicy.class, "usage policy", RequestRefusedException.Rule.POLICY_INVALID,
        UsagePolicy::validate);
  }

  /** The canonical bytes that are signed and whose SHA-256 is {@link #digest()}. */
  public byte[] encoded() {
    return CanonicalJson.encode(this);
  }

  /** Hex SHA-256 of the canonical encoding: what archives are bound to and logs and receipts name. */
  public String digest() {
    return CanonicalJson.digest(this);
  }

  public Instant notAfterInstant() {
    return Instant.parse(notAfter);
  }

  public boolean allowsAlgorithm(String algorithmId, String algorithmDigest) {
    return algorithms.stream().anyMatch(a -> a.id().equals(algorithmId) && a.digest().equals(algorithmDigest));
  }

  public List<String> recipientsOf(String outputKind) {
    return recipients.getOrDefault(outputKind, List.of());
  }

  private void validate() throws RequestRefusedException {
    if (version != VERSION) invalid("field 'version' is " + version + ", this enclave reads version " + VERSION);
    if (id == null || !id.matches("[0-9a-f]{32}")) invalid("field 'id' must be 32 hex digits");
    if (!PartyPublicKey.isId(owner)) invalid("field 'owner' must be a party id (64 hex digits)");
    requireTokens("purposes", purposes, "[a-z0-9][a-z0-9.-]{0,63}");
    requireList("taskKinds", taskKinds);
    for (String k : taskKinds) if (!TASK_KINDS.contains(k)) invalid("field 'taskKinds' names unknown kind '" + k + "'");
    if (algorithms == null) invalid("field 'algorithms' is required");
    requireList("algorithms", algorithms.stream().map(a -> a == null ? null : a.id() + "\0" + a.digest()).toList());
    for (Algorithm a : algorithms) {
      if (a == null || a.id() == null || !a.id().matches("[a-z0-9][a-z0-9._-]{0,63}")) invalid("field 'algorithms': an id is malformed");
      if (a.digest() == null || !a.digest().matches("sha256:[0-9a-f]{64}")) invalid("field 'algorithms': digest of '" + a.id() + "' must be sha256:<64 hex>");
    }
    requireParties("submitters", submitters);
    if (recipients == null) invalid("field 'recipients' is required");
    for (var e : recipients.entrySet()) {
      if (!OUTPUT_KINDS.contains(e.getKey())) invalid("field 'recipients' names unknown output kind '" + e.getKey() + "'");
      requireParties("recipients." + e.getKey(), e.getValue());
    }
    requireParties("coContributors", coContributors);
    try {
      Instant.parse(notAfter);
    } catch (DateTimeParseException | NullPointerException e) {
      invalid("field 'notAfter' must be an ISO-8601 instant such as 2027-01-01T00:00:00Z");
    }
    if (maxUses < 1 || maxUses > MAX_USES_LIMIT) invalid("field 'maxUses' must be 1.." + MAX_USES_LIMIT);
  }

  private static void requireList(String field, List<String> l) throws RequestRefusedException {
    CanonicalJson.requireSortedUnique(field, l, "usage policy", RequestRefusedException.Rule.POLICY_INVALID);
  }

  private static void requireTokens(String field, List<String> l, String pattern) throws RequestRefusedException {
    requireList(field, l);
    for (String s : l) if (!s.matches(pattern)) invalid("field '" + field + "' holds a malformed value");
  }

  private static void requireParties(String field, List<String> l) throws RequestRefusedException {
    requireList(field, l);
    for (String s : l) if (!PartyPublicKey.isId(s)) invalid("field '" + field + "' must list party ids (64 hex digits)");
  }

  private static void invalid(String why) throws RequestRefusedException {
    throw new RequestRefusedException(RequestRefusedException.Rule.POLICY_INVALID, "usage policy: " + why);
  }

  public static Builder builder(String owner) {
    return new Builder(owner);
  }

  /** Validating builder; lists are kept sorted and unique (the canonical form). */
  public static final class Builder {
    private final String owner;
    private final TreeSet<String> purposes = new TreeSet<>();
    private final TreeSet<String> taskKinds = new TreeSet<>();
    private final TreeMap<String, Algorithm> algorithms = new TreeMap<>();
    private final TreeSet<String> submitters = new TreeSet<>();
    private final TreeMap<String, TreeSet<String>> recipients = new TreeMap<>();
    private final TreeSet<String> coContributors = new TreeSet<>();
    private Instant notAfter;
    private int maxUses = 1;
    private String id;

    private Builder(String owner) {
      this.owner = owner;
      byte[] r = new byte[16];
      new SecureRandom().nextBytes(r);
      this.id = HexFormat.of().formatHex(r);
    }

    public Builder purposes(String... p) {
      purposes.addAll(List.of(p));
      return this;
    }

    public Builder taskKinds(String... k) {
      taskKinds.addAll(List.of(k));
      return this;
    }

    public Builder algorithm(String id, String digest) {
      algorithms.put(id + "\0" + digest, new Algorithm(id, digest));
      return this;
    }

    public Builder submitters(String... parties) {
      submitters.addAll(List.of(parties));
      return this;
    }

    public Builder recipients(String outputKind, String... parties) {
      recipients.computeIfAbsent(outputKind, k -> new TreeSet<>()).addAll(List.of(parties));
      return this;
    }

    public Builder coContributors(String... parties) {
      coContributors.addAll(List.of(parties));
      return this;
    }

    public Builder notAfter(Instant t) {
      this.notAfter = t;
      return this;
    }

    public Builder maxUses(int n) {
      this.maxUses = n;
      return this;
    }

    /** Fixes the policy id (normally random, so that two uploads never share one consent). */
    public Builder id(String hex32) {
      this.id = hex32;
      return this;
    }

    /** Throws IllegalArgumentException naming the field when the policy would not parse. */
    public UsagePolicy build() {
      Map<String, List<String>> r = new TreeMap<>();
      recipients.forEach((k, v) -> r.put(k, List.copyOf(v)));
      UsagePolicy p = new UsagePolicy(VERSION, id, owner, List.copyOf(purposes), List.copyOf(taskKinds),
          List.copyOf(algorithms.values()), List.copyOf(submitters), java.util.Collections.unmodifiableMap(r), List.copyOf(coContributors),
          notAfter == null ? null : notAfter.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(), maxUses);
      try {
        return parse(p.encoded());
      } catch (RequestRefusedException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
  }
}
