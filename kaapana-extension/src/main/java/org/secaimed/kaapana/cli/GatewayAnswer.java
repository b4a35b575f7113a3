package org.secaimed.kaapana.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceFormatException;
import org.secaimed.connector.attest.EvidenceJson;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A gateway's answer to {@code POST /v1/attestation} ({@code {"evidence":[{format, data,
 * certificates, collateral}], "keys":{...}}}) saved to a file, read as the evidence it carries, so
 * {@code attest verify-evidence} takes it as it is: no hand decoding of base64 fields.
 */
final class GatewayAnswer {
  private GatewayAnswer() {}

  /** The evidence in {@code file} if it is a gateway answer; null for any other evidence file. */
  static Evidence read(CommandSpec spec, Path file, String format) {
    Usage.inputFile("--evidence", file);
    JsonNode root;
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length == 0 || bytes[0] != '{') return null;
      root = JsonOutput.mapper().readTree(bytes);
    } catch (IOException e) {
      return null; // not JSON: a binary report or quote, or a token
    }
    JsonNode list = root == null ? null : root.get("evidence");
    if (list == null || !list.isArray()) return null;
    if (list.size() != 1) {
      throw new CliFailure("MALFORMED", "--evidence " + file + ": the answer carries " + list.size()
          + " evidence objects; this command verifies one", "--evidence");
    }
    Evidence e;
    try {
      e = EvidenceJson.fromJson(list.get(0), "evidence[0]");
    } catch (EvidenceFormatException x) {
      throw new CliFailure("MALFORMED", "--evidence " + file + ": " + x.getMessage(), "--evidence");
    }
    if (format != null && !format.equals(e.format())) {
      throw Usage.error(spec, "--format", "'" + format + "' but the gateway's answer holds '" + e.format() + "' evidence");
    }
    return e;
  }
}
