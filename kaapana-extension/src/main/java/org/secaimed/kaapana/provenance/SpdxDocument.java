package org.secaimed.kaapana.provenance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secaimed.connector.provenance.Lineage;

/**
 * A model's lineage as an SPDX 3.0.1 JSON-LD document (docs/provenance.md): the model is an
 * {@code ai_AIPackage}; each contributing site's training data a {@code dataset_DatasetPackage}
 * (intended use = the purposes its owner-signed usage policy allowed, collection = how the
 * studies reached the enclave, size in studies and instances); {@code trainedOn} links them, and
 * each evaluating party's (undisclosed) data is linked by {@code testedOn}. Every fact comes from
 * the verified {@link Lineage}; nothing is self-reported.
 */
public final class SpdxDocument {
  public static final String CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CREATION = "_:creationinfo";

  private SpdxDocument() {}

  /** {@code site} is the party that produced the document (the SPDX creator). */
  public static ObjectNode of(Lineage l, String site, Instant created) {
    String ns = "urn:secaimed:provenance:" + l.modelId() + ":" + l.log().treeSize() + ":";
    ObjectNode doc = JSON.createObjectNode();
    doc.put("@context", CONTEXT);
    ArrayNode graph = doc.putArray("@graph");
    Map<String, ObjectNode> agents = new LinkedHashMap<>();
    String creator = agent(agents, ns, site == null ? "unknown" : site, "site");
    ObjectNode ci = graph.addObject().put("type", "CreationInfo").put("@id", CREATION).put("specVersion", "3.0.1")
        .put("created", created.truncatedTo(ChronoUnit.SECONDS).toString());
    ci.putArray("createdBy").add(creator);
    ci.putArray("createdUsing").add(ns + "tool/secaimed");
    ci.put("comment", "Derived from enclave-signed receipts proven in the transparency log " + l.log().origin() + " at size " + l.log().treeSize());
    graph.add(element("Tool", ns + "tool/secaimed").put("name", "secaimed provenance"));
    String enclave = ns + "agent/enclave";
    graph.add(element("Organization", enclave).put("name", "enclave " + l.enclave().platform() + " measurement " + l.enclave().measurement()));

    ObjectNode model = element("ai_AIPackage", ns + "model").put("name", l.modelId()).put("software_primaryPurpose", "model");
    model.putArray("verifiedUsing").addObject().put("type", "Hash").put("algorithm", "sha256").put("hashValue", l.modelDigest().substring(7));
    model.put("suppliedBy", enclave);
    model.putArray("ai_domain").add("medical imaging");
    model.put("ai_useSensitivePersonalInformation", "yes");
    model.put("ai_informationAboutTraining", "Trained in task " + l.training().get(0).taskId() + " by algorithm " + l.algorithm().id() + " "
        + l.algorithm().version() + " (" + l.algorithm().digest() + ") inside the attested enclave; model policy " + l.modelPolicyDigest()
        + " allows purposes " + l.modelPurposes() + " until " + l.modelNotAfter() + (l.baseModel() == null ? "" : "; base model " + l.baseModel()));
    if (l.training().get(0).finishedAt() != null) model.put("builtTime", seconds(l.training().get(0).finishedAt()));
    graph.add(model);

    List<String> elements = new java.util.ArrayList<>(List.of(ns + "tool/secaimed", enclave, ns + "model"));
    for (Lineage.Contributor c : l.contributors()) {
      String ds = ns + "dataset/" + c.party();
      String owner = agent(agents, ns, c.party(), c.own() ? "site (this report's creator)" : "contributing site");
      ObjectNode d = element("dataset_DatasetPackage", ds).put("name", "training data of party " + c.party().substring(0, 12))
          .put("software_primaryPurpose", "data").put("dataset_intendedUse", "purposes allowed by the owner's usage policy: "
              + String.join(", ", c.purposes()) + "; task kinds: " + String.join(", ", c.taskKinds()))
          .put("dataset_dataCollectionProcess", "DICOM studies from the site's Kaapana platform, sealed at the site to the attested enclave"
              + " (HPKE) under owner-signed usage policy " + String.join(", ", c.policyDigests()) + " (valid until " + c.notAfter()
              + ", at most " + c.maxUses() + " uses)")
          .put("description", c.studies() + " studies, " + c.instances() + " DICOM instances; instance lists known to the owner only"
              + " (commitments " + String.join(", ", c.commitments()) + ")")
          .put("dataset_hasSensitivePersonalInformation", "yes").put("dataset_confidentialityLevel", "red");
      d.putArray("dataset_datasetType").add("image");
      d.putArray("originatedBy").add(owner);
      graph.add(d);
      graph.add(relationship(ns + "relationship/trainedOn/" + c.party(), ns + "model", "trainedOn", ds, l.training().get(0)));
      elements.add(ds);
      elements.add(ns + "relationship/trainedOn/" + c.party());
    }
    for (Lineage.Task u : l.uses()) {
      if (!"evaluation".equals(u.kind())) continue;
      String ds = ns + "dataset/evaluation/" + u.taskId();
      ObjectNode d = element("dataset_DatasetPackage", ds).put("name", "evaluation data of party " + shortId(u.party()))
          .put("software_primaryPurpose", "data").put("description", "inputs of evaluation task " + u.taskId() + "; not disclosed to the model's contributors")
          .put("dataset_hasSensitivePersonalInformation", "yes");
      d.putArray("dataset_datasetType").add("image");
      d.putArray("originatedBy").add(agent(agents, ns, u.party(), "evaluating party"));
      graph.add(d);
      graph.add(relationship(ns + "relationship/testedOn/" + u.taskId(), ns + "model", "testedOn", ds, u));
      elements.add(ds);
      elements.add(ns + "relationship/testedOn/" + u.taskId());
    }
    agents.forEach((id, node) -> {
      graph.add(node);
      elements.add(id);
    });
    ObjectNode sd = element("SpdxDocument", ns + "document").put("name", "provenance of model " + l.modelId());
    sd.putArray("rootElement").add(ns + "model");
    ArrayNode el = sd.putArray("element");
    elements.forEach(el::add);
    ArrayNode profiles = sd.putArray("profileConformance");
    for (String p : List.of("core", "software", "ai", "dataset")) profiles.add(p);
    graph.add(sd);
    return doc;
  }

  private static String agent(Map<String, ObjectNode> agents, String ns, String party, String role) {
    String id = ns + "agent/" + party;
    agents.computeIfAbsent(id, k -> element("Organization", k).put("name", role + " " + party));
    return id;
  }

  private static ObjectNode element(String type, String spdxId) {
    return JSON.createObjectNode().put("type", type).put("spdxId", spdxId).put("creationInfo", CREATION);
  }

  private static ObjectNode relationship(String id, String from, String type, String to, Lineage.Task task) {
    ObjectNode r = element("Relationship", id).put("from", from).put("relationshipType", type);
    r.putArray("to").add(to);
    if (task.startedAt() != null) r.put("startTime", seconds(task.startedAt()));
    if (task.finishedAt() != null) r.put("endTime", seconds(task.finishedAt()));
    r.put("comment", "task " + task.taskId() + ", receipt at log leaf " + task.leafIndex());
    return r;
  }

  private static String seconds(String instant) {
    return Instant.parse(instant).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static String shortId(String party) {
    return party == null ? "unknown" : party.substring(0, Math.min(12, party.length()));
  }
}
