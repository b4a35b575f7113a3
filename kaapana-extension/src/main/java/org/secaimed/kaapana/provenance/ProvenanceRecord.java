package org.secaimed.kaapana.provenance;

import org.secaimed.connector.io.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import org.secaimed.connector.attest.validate.Policy;
import org.secaimed.connector.provenance.Lineage;
import org.secaimed.connector.provenance.ModelProvenanceVerifier;
import org.secaimed.connector.provenance.ProvenanceEvidence;
import org.secaimed.connector.provenance.ProvenanceException;
import org.secaimed.connector.receipt.ReceiptAnchor;
import org.secaimed.connector.receipt.ReceiptException;

/**
 * One kept provenance report (docs/provenance.md, "Retention"): a folder
 * {@code <store>/<model id>/<fetched at>/} with
 * <ul>
 *   <li>{@code evidence.json} — every input to verification ({@link ProvenanceEvidence});
 *   <li>{@code lineage.json}, {@code spdx.json}, {@code report.html} — what was derived from it;
 *   <li>{@code model-signing.dsse.json} — the enclave-signed statement over the model's files;
 *   <li>{@code retention.json} — when it was kept and until when it must be.
 * </ul>
 * The folder is written under a temporary name and renamed, so a crash leaves no half report.
 */
public final class ProvenanceRecord {
  /** AI Act Arts. 19(1) and 26(6): logs are kept at least six months. */
  public static final Period MINIMUM_RETENTION = Period.ofMonths(6);
  public static final Period DEFAULT_RETENTION = MINIMUM_RETENTION;
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ProvenanceRecord() {}

  /** Writes the report folder and returns it. */
  public static Path write(Path store, ProvenanceEvidence evidence, Lineage lineage, Period retention, Instant now) throws IOException {
    requireRetention(retention);
    Path modelDir = Files.createDirectories(store.resolve(safe(evidence.modelId())));
    String name = now.toString().replace(":", "").replace(".", "-");
    Path tmp = Files.createTempDirectory(modelDir, ".incomplete-");
    try {
      evidence.write(tmp.resolve("evidence.json"));
      Files.write(tmp.resolve("lineage.json"), JSON.writeValueAsBytes(lineage));
      Files.write(tmp.resolve("spdx.json"), JSON.writeValueAsBytes(SpdxDocument.of(lineage, evidence.site(), now)));
      Files.write(tmp.resolve("model-signing.dsse.json"), JSON.writeValueAsBytes(evidence.report().modelSignature()));
      Files.writeString(tmp.resolve("report.html"), ProvenanceHtml.of(lineage, now.toString()), StandardCharsets.UTF_8);
      Files.write(tmp.resolve("retention.json"), JSON.writeValueAsBytes(java.util.Map.of("keptAt", now.toString(), "retention",
          retention.toString(), "keepUntil", keepUntil(now, retention).toString())));
      Path target = modelDir.resolve(name);
      // A folder renamed within its parent: it appears whole or not at all.
      AtomicFiles.publishFolder(tmp, target);
      return target;
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
  }

  /** What an offline verification proved. */
  public record Verified(Lineage lineage, boolean anchored, String policyName) {}

  /**
   * Verifies a kept report with no network: everything {@link ModelProvenanceVerifier} checks, from
   * {@code evidence.json} alone; that {@code lineage.json} is still what the evidence proves; and,
   * given the auditor's attestation {@code policy}, that the kept evidence binds the signing key.
   */
  public static Verified verify(Path folder, Policy policy, Instant now) throws ProvenanceException, IOException {
    ProvenanceEvidence evidence = ProvenanceEvidence.read(folder.resolve("evidence.json"));
    Lineage lineage = ModelProvenanceVerifier.verify(evidence, ModelProvenanceVerifier.Site.none());
    Path kept = folder.resolve("lineage.json");
    if (Files.exists(kept)) {
      JsonNode stored = JSON.readTree(kept.toFile());
      JsonNode proven = JSON.readTree(JSON.writeValueAsBytes(withoutOwn(lineage))); // parsed as the kept file is (int vs long nodes)
      JsonNode normalized = withoutOwnNode(stored);
      if (!normalized.equals(proven)) {
        String field = firstDifference(normalized, proven);
        throw new ProvenanceException(ProvenanceException.Step.MISMATCH, "lineage.json", "field '" + field
            + "' differs from what evidence.json proves (edited?)");
      }
    }
    if (policy == null) return new Verified(lineage, false, null);
    try {
      ReceiptAnchor.anchorKey(evidence.attestation(), evidence.signingPublicKey(), policy, now);
    } catch (ReceiptException e) {
      throw new ProvenanceException(ProvenanceException.Step.ANCHOR, "signing key", e.getMessage(), e);
    }
    return new Verified(lineage, true, policy.name());
  }

  /** The site's own instance digests are checked only online (with its manifests); compare the rest. */
  private static Lineage withoutOwn(Lineage l) {
    return new Lineage(l.modelId(), l.modelDigest(), l.modelPolicyDigest(), l.modelPurposes(), l.modelNotAfter(), l.training(), l.baseModel(),
        l.contributors().stream().map(c -> new Lineage.Contributor(c.party(), false, c.policyDigests(), c.purposes(), c.taskKinds(),
            c.notAfter(), c.maxUses(), c.blobs(), c.studies(), c.instances(), c.commitments(), null)).toList(),
        l.algorithm(), l.enclave(), l.uses(), l.log(), l.modelFiles());
  }

  private static JsonNode withoutOwnNode(JsonNode stored) {
    JsonNode copy = stored.deepCopy();
    for (JsonNode c : copy.path("contributors")) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) c).put("own", false);
      ((com.fasterxml.jackson.databind.node.ObjectNode) c).putNull("ownInstances");
    }
    return copy;
  }

  private static String firstDifference(JsonNode a, JsonNode b) {
    var names = new java.util.TreeSet<String>();
    a.fieldNames().forEachRemaining(names::add);
    b.fieldNames().forEachRemaining(names::add);
    for (String n : names) if (!a.path(n).equals(b.path(n))) return n;
    return "(order)";
  }

  public static Instant keepUntil(Instant keptAt, Period retention) {
    return keptAt.atZone(ZoneOffset.UTC).plus(retention).toInstant();
  }

  /** Refuses a retention shorter than the legal minimum of six months. */
  public static void requireRetention(Period retention) {
    if (retention == null || retention.isNegative()
        || keepUntil(Instant.EPOCH, retention).isBefore(keepUntil(Instant.EPOCH, MINIMUM_RETENTION))) {
      throw new IllegalArgumentException("retention " + retention + " is shorter than the minimum of " + MINIMUM_RETENTION
          + " (AI Act Arts. 19 and 26(6))");
    }
  }

  private static String safe(String modelId) {
    if (modelId == null || !modelId.matches("[A-Za-z0-9._-]{1,128}") || modelId.startsWith(".")) {
      throw new IllegalArgumentException("model id '" + modelId + "' cannot name a folder");
    }
    return modelId;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
