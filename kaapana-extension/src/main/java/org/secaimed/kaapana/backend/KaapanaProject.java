package org.secaimed.kaapana.backend;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A Kaapana project as the access-information-interface ({@code /aii/projects/<name>}) and a
 * run's {@code project_form} describe it. Only {@code id} and {@code name} are required.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KaapanaProject(
    @JsonProperty("id") String id,
    @JsonProperty("name") String name,
    @JsonProperty("external_id") String externalId,
    @JsonProperty("description") String description,
    @JsonProperty("kubernetes_namespace") String kubernetesNamespace,
    @JsonProperty("s3_bucket") String s3Bucket,
    @JsonProperty("opensearch_index") String opensearchIndex) {

  public KaapanaProject {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("project has no name");
  }

  public static KaapanaProject named(String id, String name) {
    return new KaapanaProject(id, name, null, null, null, null, null);
  }
}
