package org.secaimed.kaapana.airflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.github.tomakehurst.wiremock.http.LoggedResponse;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Airflow's own OpenAPI spec ({@code ../shared/reference/airflow-rest-api-v1.yaml}, read in place)
 * as a validator for every request our client sent to WireMock and every response it got back.
 */
final class OfficialSpec {
  static Path path() {
    Path p = Path.of(System.getProperty("secaimed.repo.root", "..")).resolve("../shared/reference/airflow-rest-api-v1.yaml").normalize();
    assertThat(p).as("official Airflow spec").isRegularFile();
    return p;
  }

  static OpenApiInteractionValidator validator(String basePath) {
    try {
      return OpenApiInteractionValidator.createForInlineApiSpecification(Files.readString(path()))
          .withBasePathOverride(basePath)
          // Airflow composes collections with allOf; merge them so each part does not reject the other's fields.
          .withResolveCombinators(true).build();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Validates each served exchange; returns the problems as readable lines (empty = all conform). */
  static List<String> problems(OpenApiInteractionValidator validator, List<ServeEvent> events) {
    List<String> problems = new ArrayList<>();
    for (ServeEvent e : events) {
      LoggedRequest rq = e.getRequest();
      URI uri = URI.create(rq.getUrl());
      SimpleRequest.Builder b = new SimpleRequest.Builder(rq.getMethod().getName(), uri.getPath());
      rq.getQueryParams().forEach((k, v) -> b.withQueryParam(k, v.values()));
      rq.getHeaders().all().forEach(h -> b.withHeader(h.key(), h.values()));
      if (rq.getBody() != null && rq.getBody().length > 0) b.withBody(rq.getBodyAsString());
      LoggedResponse rs = e.getResponse();
      SimpleResponse.Builder r = new SimpleResponse.Builder(rs.getStatus());
      if (rs.getHeaders() != null) rs.getHeaders().all().forEach(h -> r.withHeader(h.key(), h.values()));
      if (rs.getBody() != null && rs.getBody().length > 0) r.withBody(rs.getBodyAsString());
      ValidationReport report = validator.validate(b.build(), r.build());
      for (ValidationReport.Message m : report.getMessages()) {
        if (m.getLevel() == ValidationReport.Level.ERROR) {
          problems.add(rq.getMethod() + " " + rq.getUrl() + " → " + rs.getStatus() + ": " + m.getKey() + ": " + m.getMessage());
        }
      }
    }
    return problems;
  }

  static Request.Method method(String m) {
    return Request.Method.valueOf(m);
  }

  private OfficialSpec() {}
}
