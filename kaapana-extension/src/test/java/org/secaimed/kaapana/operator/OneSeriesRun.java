package org.secaimed.kaapana.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A minimal Kaapana segmentation run of one series, as a pod sees it: the run folder with conf.json and the environment. */
final class OneSeriesRun {
  private OneSeriesRun() {}

  /** Creates {@code workflowDir}/conf/conf.json and loads the environment with {@code site} (SiteEnv) and {@code extra} on top. */
  static KaapanaEnvironment load(Path workflowDir, Map<String, String> site, Map<String, String> extra) throws Exception {
    Files.createDirectories(workflowDir.resolve("conf"));
    Map<String, String> env = new HashMap<>();
    env.put("RUN_ID", workflowDir.getFileName().toString());
    env.put("DAG_ID", "secaimed-segmentation");
    env.put("WORKFLOW_DIR", workflowDir.toString());
    env.put("OPERATOR_OUT_DIR", "secaimed-segmentation");
    env.put("SECAIMED_TASK_KIND", "segmentation");
    env.put("KEYCLOAK_URL", "http://keycloak-external-service.admin.svc:80");
    env.put("DICOM_WEB_FILTER_URL", "http://dicom-web-filter-service.services.svc:8080");
    env.put("SERVICES_NAMESPACE", "services");
    env.putAll(site);
    env.putAll(extra);
    Map<String, Object> conf = new LinkedHashMap<>();
    conf.put("data_form", Map.of("identifiers", List.of("1.2.826.0.1.3680043.8.498.11")));
    conf.put("workflow_form", Map.of("algorithm", "organ-seg"));
    conf.put("project_form", Map.of("id", "7c6e0a3c", "name", "admin", "kubernetes_namespace", "project-admin"));
    new ObjectMapper().writeValue(workflowDir.resolve("conf/conf.json").toFile(), conf);
    return KaapanaEnvironment.load(env);
  }

  /** One default gateway profile. */
  static Map<String, String> defaultSite(Map<String, Object> collateral) throws Exception {
    return SiteEnv.of(new LinkedHashMap<>(Map.of("default", new String[] {"https://enclave.example.org/", "policyVersion: 1\n"})), null, collateral);
  }
}
