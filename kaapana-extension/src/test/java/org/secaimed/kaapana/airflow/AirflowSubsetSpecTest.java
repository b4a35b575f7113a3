package org.secaimed.kaapana.airflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our client is generated from a subset spec; this checks that everything the subset says exists
 * in Airflow's official spec with compatible types, so the generated client cannot call an
 * endpoint, parameter or field Airflow does not have.
 */
class AirflowSubsetSpecTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
  static JsonNode ours;
  static JsonNode official;

  @BeforeAll
  static void load() throws Exception {
    ours = YAML.readTree(Path.of("src/main/openapi/airflow-v1-subset.yaml").toFile());
    official = YAML.readTree(OfficialSpec.path().toFile());
  }

  @Test
  void everyOperationParameterAndSchemaWeUseExistsInTheOfficialSpec() {
    List<String> problems = compareAll(ours, official);
    assertThat(problems).isEmpty();
    assertThat(ours.path("paths").size()).isGreaterThanOrEqualTo(6);
  }

  @Test
  void theComparisonNoticesAnInventedFieldOrTypeChange() throws Exception {
    ObjectNode tampered = (ObjectNode) ours.deepCopy();
    ObjectNode dagRunProps = (ObjectNode) tampered.at("/components/schemas/DAGRun/properties");
    dagRunProps.putObject("priority").put("type", "integer");
    ((ObjectNode) dagRunProps.get("note")).put("type", "integer");
    ((ObjectNode) tampered.at("/paths/~1dags~1{dag_id}~1dagRuns~1{dag_run_id}/get")).put("operationId", "fetch_run");
    List<String> problems = compareAll(tampered, official);
    assertThat(problems).anyMatch(p -> p.contains("priority") && p.contains("not in the official"))
        .anyMatch(p -> p.contains("note") && p.contains("type"))
        .anyMatch(p -> p.contains("operationId"));
  }

  static List<String> compareAll(JsonNode sub, JsonNode full) {
    List<String> problems = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = sub.path("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      JsonNode fullPath = full.path("paths").path(path.getKey());
      if (fullPath.isMissingNode()) {
        problems.add("path " + path.getKey() + " not in the official spec");
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        if (!METHODS.contains(op.getKey())) continue;
        String where = op.getKey().toUpperCase() + " " + path.getKey();
        JsonNode fullOp = fullPath.path(op.getKey());
        if (fullOp.isMissingNode()) {
          problems.add(where + " not in the official spec");
          continue;
        }
        if (!op.getValue().path("operationId").equals(fullOp.path("operationId"))) {
          problems.add(where + ": operationId " + op.getValue().path("operationId") + " ≠ " + fullOp.path("operationId"));
        }
        compareParameters(where, sub, path.getValue(), op.getValue(), full, fullPath, fullOp, problems);
        JsonNode body = op.getValue().at("/requestBody/content/application~1json/schema");
        if (!body.isMissingNode()) {
          compareSchema(where + " request body", sub, body, full, fullOp.at("/requestBody/content/application~1json/schema"), new HashSet<>(), problems);
        }
        for (Iterator<Map.Entry<String, JsonNode>> rs = op.getValue().path("responses").fields(); rs.hasNext(); ) {
          Map.Entry<String, JsonNode> r = rs.next();
          JsonNode fullR = resolve(full, fullOp.path("responses").path(r.getKey()));
          if (fullR.isMissingNode()) {
            problems.add(where + ": response " + r.getKey() + " not in the official spec");
            continue;
          }
          JsonNode ourR = resolve(sub, r.getValue());
          for (Iterator<Map.Entry<String, JsonNode>> ct = ourR.path("content").fields(); ct.hasNext(); ) {
            Map.Entry<String, JsonNode> c = ct.next();
            JsonNode fullC = fullR.path("content").path(c.getKey());
            if (fullC.isMissingNode()) {
              problems.add(where + ": response " + r.getKey() + " " + c.getKey() + " not in the official spec");
            } else {
              compareSchema(where + " response " + r.getKey(), sub, c.getValue().path("schema"), full, fullC.path("schema"), new HashSet<>(), problems);
            }
          }
        }
      }
    }
    return problems;
  }

  static void compareParameters(String where, JsonNode sub, JsonNode subPath, JsonNode subOp,
      JsonNode full, JsonNode fullPath, JsonNode fullOp, List<String> problems) {
    List<JsonNode> fullParams = new ArrayList<>();
    fullPath.path("parameters").forEach(p -> fullParams.add(resolve(full, p)));
    fullOp.path("parameters").forEach(p -> fullParams.add(resolve(full, p)));
    List<JsonNode> ourParams = new ArrayList<>();
    subPath.path("parameters").forEach(p -> ourParams.add(resolve(sub, p)));
    subOp.path("parameters").forEach(p -> ourParams.add(resolve(sub, p)));
    for (JsonNode p : ourParams) {
      String id = p.path("in").asText() + " parameter " + p.path("name").asText();
      JsonNode match = fullParams.stream()
          .filter(f -> f.path("name").equals(p.path("name")) && f.path("in").equals(p.path("in"))).findFirst().orElse(null);
      if (match == null) {
        problems.add(where + ": " + id + " not in the official spec");
        continue;
      }
      if (p.path("required").asBoolean(false) != match.path("required").asBoolean(false)) {
        problems.add(where + ": " + id + " required differs");
      }
      compareSchema(where + " " + id, sub, p.path("schema"), full, match.path("schema"), new HashSet<>(), problems);
    }
  }

  /** Our schema must be a compatible restriction of theirs: same types, formats, nullability; fields ⊆ theirs. */
  static void compareSchema(String where, JsonNode sub, JsonNode ourRaw, JsonNode full, JsonNode theirRaw, Set<String> seen, List<String> problems) {
    if (ourRaw.has("$ref") && !seen.add(ourRaw.get("$ref").asText() + "@" + where)) return;
    JsonNode our = merged(sub, resolve(sub, ourRaw));
    JsonNode their = merged(full, resolve(full, theirRaw));
    for (String key : List.of("type", "format", "nullable", "readOnly", "writeOnly")) {
      if (!our.path(key).equals(their.path(key))) {
        problems.add(where + ": " + key + " " + our.path(key) + " ≠ official " + their.path(key));
      }
    }
    if (our.has("enum")) {
      Set<String> theirs = new HashSet<>();
      their.path("enum").forEach(e -> theirs.add(e.toString()));
      our.path("enum").forEach(e -> {
        if (!theirs.contains(e.toString())) problems.add(where + ": enum value " + e + " not in the official spec");
      });
    }
    if (our.has("items")) compareSchema(where + "[]", sub, our.get("items"), full, their.path("items"), seen, problems);
    for (Iterator<Map.Entry<String, JsonNode>> it = our.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> prop = it.next();
      JsonNode theirProp = their.path("properties").path(prop.getKey());
      if (theirProp.isMissingNode()) {
        problems.add(where + "." + prop.getKey() + " not in the official spec");
      } else {
        compareSchema(where + "." + prop.getKey(), sub, prop.getValue(), full, theirProp, seen, problems);
      }
    }
  }

  /** Flattens allOf (Airflow composes collections as allOf[object, CollectionInfo]). */
  static JsonNode merged(JsonNode doc, JsonNode schema) {
    if (!schema.has("allOf")) return schema;
    ObjectNode out = YAML.createObjectNode();
    ObjectNode props = out.putObject("properties");
    schema.fields().forEachRemaining(e -> {
      if (!e.getKey().equals("allOf")) out.set(e.getKey(), e.getValue());
    });
    for (JsonNode part : schema.get("allOf")) {
      JsonNode p = merged(doc, resolve(doc, part));
      p.path("properties").fields().forEachRemaining(e -> props.set(e.getKey(), e.getValue()));
      if (p.has("type") && !out.has("type")) out.set("type", p.get("type"));
    }
    return out;
  }

  static JsonNode resolve(JsonNode doc, JsonNode node) {
    JsonNode n = node;
    for (int i = 0; i < 10 && n.has("$ref"); i++) {
      n = doc.at(n.get("$ref").asText().substring(1));
    }
    return n;
  }
}
