package org.secaimed.kaapana.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.secaimed.dicom.pipeline.CohortOutcome;

/**
 * A training or evaluation outcome as Kaapana users see results: {@code report.json} and a small
 * {@code index.html} under {@code staticwebsiteresults/secaimed/<run id>/} in the project's bucket
 * (the Results Browser lists that prefix). Metrics, model id and digest, the task's log index and
 * the receipt and record the enclave returned; series are counted, never listed (no patient data).
 */
public record TaskReport(String runId, String dagId, String project, CohortOutcome outcome) {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  public static final String PREFIX = "staticwebsiteresults/secaimed/";

  public String folder() {
    return PREFIX + runId + "/";
  }

  public byte[] json() throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", outcome.kind());
    m.put("runId", runId);
    m.put("dagId", dagId);
    m.put("project", project);
    m.put("algorithm", outcome.algorithm());
    m.put("taskId", outcome.taskId());
    m.put("modelId", outcome.modelId());
    m.put("modelDigest", outcome.modelDigest());
    m.put("metrics", new TreeMap<>(outcome.metrics()));
    m.put("logIndex", outcome.logIndex());
    m.put("seriesCount", outcome.seriesInstanceUids().size());
    m.put("receipt", readJson(outcome.receiptFile()));
    m.put("record", readJson(outcome.recordFile()));
    return JSON.writeValueAsBytes(m);
  }

  private static Object readJson(java.nio.file.Path file) throws IOException {
    if (file == null || !Files.isRegularFile(file)) return null;
    return JSON.readTree(file.toFile());
  }

  public byte[] html() {
    StringBuilder rows = new StringBuilder();
    new TreeMap<>(outcome.metrics()).forEach((k, v) -> rows.append("<tr><td>").append(esc(k)).append("</td><td>").append(v).append("</td></tr>\n"));
    String page = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>secaimed " + esc(outcome.kind()) + " " + esc(runId)
        + "</title></head><body>\n<h1>Enclave " + esc(outcome.kind()) + "</h1>\n<dl>"
        + item("Run", runId) + item("Project", project) + item("Algorithm", outcome.algorithm()) + item("Task", outcome.taskId())
        + item("Model id", outcome.modelId()) + item("Model digest", outcome.modelDigest())
        + item("Transparency log index", Long.toString(outcome.logIndex()))
        + item("Series", Integer.toString(outcome.seriesInstanceUids().size())) + "</dl>\n"
        + "<h2>Metrics</h2>\n<table><tr><th>metric</th><th>value</th></tr>\n" + rows + "</table>\n"
        + "<p>Receipt and record: <a href=\"report.json\">report.json</a> (check with <code>secaimed receipt verify</code>).</p>\n"
        + "</body></html>\n";
    return page.getBytes(StandardCharsets.UTF_8);
  }

  private static String item(String k, String v) {
    return "<dt>" + esc(k) + "</dt><dd>" + esc(v == null ? "-" : v) + "</dd>";
  }

  static String esc(String s) {
    if (s == null) return "";
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
  }

  /** Writes both files into {@code bucket}; returns the folder. */
  public String publish(S3ObjectWriter s3, String bucket) throws IOException {
    s3.put(bucket, folder() + "report.json", json(), "application/json");
    // no charset parameter: servers re-serialise it differently from what was signed (the page declares UTF-8)
    s3.put(bucket, folder() + "index.html", html(), "text/html");
    return folder();
  }
}
