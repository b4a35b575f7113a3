package org.secaimed.kaapana.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /kaapana-backend/client/workflow} ({@code schemas.JsonSchemaData}):
 * which DAG, a workflow name (the backend appends a random id), the instance to run on, and
 * {@code conf_data} with the {@code workflow_form} and the series in {@code data_form.identifiers}.
 * Built only through {@link #builder()}, which checks every field.
 */
public final class WorkflowSubmission {
  private static final Pattern DAG_ID = Pattern.compile("[A-Za-z0-9_.-]{1,250}");
  private static final Pattern UID = Pattern.compile("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))*");

  private final String dagId;
  private final String workflowName;
  private final List<String> instanceNames;
  private final String username;
  private final Map<String, Object> workflowForm;
  private final List<String> seriesUids;

  private WorkflowSubmission(Builder b) {
    this.dagId = b.dagId;
    this.workflowName = b.workflowName;
    this.instanceNames = List.copyOf(b.instanceNames);
    this.username = b.username;
    this.workflowForm = Map.copyOf(b.workflowForm);
    this.seriesUids = List.copyOf(b.seriesUids);
  }

  public static Builder builder() {
    return new Builder();
  }

  public String dagId() { return dagId; }
  public String workflowName() { return workflowName; }
  public List<String> seriesUids() { return seriesUids; }

  /** The JSON body as a map (rendered by the client's mapper). */
  public Map<String, Object> toJson() {
    Map<String, Object> dataForm = new LinkedHashMap<>();
    dataForm.put("identifiers", seriesUids);
    Map<String, Object> confData = new LinkedHashMap<>();
    confData.put("workflow_form", workflowForm);
    confData.put("data_form", dataForm);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("dag_id", dagId);
    body.put("workflow_name", workflowName);
    body.put("instance_names", instanceNames);
    body.put("federated", false);
    if (username != null) body.put("username", username);
    body.put("conf_data", confData);
    return body;
  }

  public static final class Builder {
    private String dagId;
    private String workflowName;
    private final List<String> instanceNames = new ArrayList<>();
    private String username;
    private final Map<String, Object> workflowForm = new LinkedHashMap<>();
    private final List<String> seriesUids = new ArrayList<>();

    public Builder dagId(String v) { this.dagId = v; return this; }
    public Builder workflowName(String v) { this.workflowName = v; return this; }
    public Builder instanceName(String v) { this.instanceNames.add(Objects.requireNonNull(v, "instance name")); return this; }
    public Builder username(String v) { this.username = v; return this; }
    public Builder formValue(String key, Object value) { this.workflowForm.put(Objects.requireNonNull(key), value); return this; }
    public Builder series(String uid) { this.seriesUids.add(Objects.requireNonNull(uid, "series UID")); return this; }
    public Builder series(List<String> uids) { uids.forEach(this::series); return this; }

    public WorkflowSubmission build() {
      if (dagId == null || !DAG_ID.matcher(dagId).matches()) throw new IllegalArgumentException("dag_id '" + dagId + "' is not a DAG id");
      if (workflowName == null || workflowName.isBlank()) workflowName = dagId;
      if (instanceNames.isEmpty()) throw new IllegalArgumentException("instance_names: name the Kaapana instance to run on");
      if (seriesUids.isEmpty()) throw new IllegalArgumentException("data_form.identifiers: at least one series UID");
      for (int i = 0; i < seriesUids.size(); i++) {
        String u = seriesUids.get(i);
        if (u.length() > 64 || !UID.matcher(u).matches()) {
          throw new IllegalArgumentException("data_form.identifiers[" + i + "]: '" + u + "' is not a DICOM UID");
        }
      }
      return new WorkflowSubmission(this);
    }
  }
}
