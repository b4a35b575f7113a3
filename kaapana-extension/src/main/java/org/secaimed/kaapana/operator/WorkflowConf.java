package org.secaimed.kaapana.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.secaimed.kaapana.backend.KaapanaProject;

/**
 * A run's {@code $WORKFLOW_DIR/conf/conf.json} (Airflow's {@code dag_run.conf}, mounted read-only):
 * {@code data_form.identifiers} are the series instance UIDs (the first {@code data_form.dataset_limit}
 * of them when set, as Kaapana's GetInputOperator does), {@code workflow_form} the user's form
 * values, {@code project_form} the project the run belongs to.
 */
public record WorkflowConf(
    List<String> seriesUids,
    String datasetName,
    Map<String, Object> workflowForm,
    KaapanaProject project) {

  /** PS3.5 §9.1: digits and dots, components without leading zeros, at most 64 characters. */
  private static final Pattern UID = Pattern.compile("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*");
  private static final ObjectMapper JSON = new ObjectMapper();

  public WorkflowConf {
    seriesUids = List.copyOf(seriesUids);
    workflowForm = Collections.unmodifiableMap(new LinkedHashMap<>(workflowForm));
  }

  public static WorkflowConf read(Path confJson) throws KaapanaEnvironmentException {
    String where = confJson.toString();
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(confJson));
    } catch (NoSuchFileException e) {
      throw new KaapanaEnvironmentException(where, "missing (Kaapana mounts dag_run.conf there)", e);
    } catch (IOException e) {
      throw new KaapanaEnvironmentException(where, "not valid JSON: " + e.getMessage(), e);
    }
    return parse(root, where);
  }

  static WorkflowConf parse(JsonNode root, String where) throws KaapanaEnvironmentException {
    if (root == null || !root.isObject()) throw new KaapanaEnvironmentException(where, "top level is not a JSON object");
    JsonNode dataForm = root.path("data_form");
    JsonNode ids = dataForm.path("identifiers");
    if (!ids.isArray() || ids.isEmpty()) {
      throw new KaapanaEnvironmentException(where + "#/data_form/identifiers", "no series instance UIDs");
    }
    List<String> uids = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      JsonNode n = ids.get(i);
      String uid = n.isTextual() ? n.asText().trim() : null;
      if (uid == null || uid.length() > 64 || !UID.matcher(uid).matches()) {
        throw new KaapanaEnvironmentException(where + "#/data_form/identifiers/" + i,
            "not a DICOM UID: " + (n.isTextual() ? "'" + n.asText() + "'" : n.getNodeType()));
      }
      if (!uids.contains(uid)) uids.add(uid);
    }
    JsonNode limit = dataForm.path("dataset_limit");
    if (!limit.isMissingNode() && !limit.isNull()) {
      if (!limit.canConvertToInt() || limit.asInt() < 1 || (limit.isTextual() && !limit.asText().matches("[0-9]+"))) {
        throw new KaapanaEnvironmentException(where + "#/data_form/dataset_limit", "not a positive whole number: " + limit);
      }
      int n = limit.isTextual() ? Integer.parseInt(limit.asText()) : limit.asInt();
      if (n < uids.size()) uids = new ArrayList<>(uids.subList(0, n));
    }
    String dataset = dataForm.path("dataset_name").isTextual() ? dataForm.path("dataset_name").asText() : null;

    Map<String, Object> form = new LinkedHashMap<>();
    JsonNode wf = root.path("workflow_form");
    if (!wf.isMissingNode() && !wf.isNull()) {
      if (!wf.isObject()) throw new KaapanaEnvironmentException(where + "#/workflow_form", "is not an object");
      form = JSON.convertValue(wf, JSON.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class));
    }

    KaapanaProject project = null;
    JsonNode pf = root.path("project_form");
    if (pf.isObject()) {
      try {
        project = JSON.treeToValue(pf, KaapanaProject.class);
      } catch (IOException | IllegalArgumentException e) {
        throw new KaapanaEnvironmentException(where + "#/project_form", "invalid project: " + e.getMessage(), e);
      }
    }
    return new WorkflowConf(uids, dataset, form, project);
  }
}
