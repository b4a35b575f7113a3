package org.secaimed.connector.provider;

import org.secaimed.connector.SecaimedFailure;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;

/**
 * The provider's licence terms as written by hand ({@code licence.yaml}); the model they apply to
 * comes from the bundle being packaged, the provider from its key:
 * <pre>{@code
 * sites: [<site party id>, ...]          # 64 hex digits each (secaimed keygen prints them)
 * allow:                                  # task kind -> outputs it may hand out
 *   segmentation: [segmentation]
 *   evaluation: [metrics]
 * maxRuns: 10
 * maxRunsPerSite: 5
 * notAfter: 2027-06-30T00:00:00Z
 * }</pre>
 * Unknown keys are refused, so a misspelt limit never silently becomes no limit.
 */
public final class LicenceFile {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> KEYS = Set.of("sites", "allow", "maxRuns", "maxRunsPerSite", "notAfter", "id");

  private LicenceFile() {}

  /** Thrown for a licence file that is not YAML or breaks a rule; the message names the key. */
  public static final class LicenceFileException extends IOException implements SecaimedFailure {
    @Override
    public String code() {
      return "INVALID_LICENCE_FILE";
    }

    private static final long serialVersionUID = 1L;

    public LicenceFileException(String message) {
      super(message);
    }
  }

  public static UsageLicence read(Path file, String providerId, UsageLicence.Model model) throws IOException {
    return parse(Files.readString(file), providerId, model);
  }

  public static UsageLicence parse(String yaml, String providerId, UsageLicence.Model model) throws LicenceFileException {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      throw new LicenceFileException("licence: not YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null || !root.isObject()) throw new LicenceFileException("licence: must be a YAML mapping");
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!KEYS.contains(k)) throw new LicenceFileException("licence: unknown key '" + k + "' (known: " + new java.util.TreeSet<>(KEYS) + ")");
    }
    UsageLicence.Builder b = UsageLicence.builder(providerId, model);
    for (JsonNode s : array(root, "sites")) b.sites(s.asText());
    JsonNode allow = root.path("allow");
    if (!allow.isObject() || allow.isEmpty()) throw new LicenceFileException("licence: 'allow' must map task kinds to their outputs");
    for (Iterator<String> it = allow.fieldNames(); it.hasNext(); ) {
      String kind = it.next();
      for (JsonNode o : array(allow, kind)) b.allow(kind, o.asText());
    }
    b.maxRuns(integer(root, "maxRuns"), integer(root, "maxRunsPerSite"));
    try {
      b.notAfter(Instant.parse(root.path("notAfter").asText("")));
    } catch (DateTimeParseException e) {
      throw new LicenceFileException("licence: 'notAfter' must be an ISO-8601 instant such as 2027-06-30T00:00:00Z");
    }
    if (root.has("id")) b.id(root.get("id").asText());
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new LicenceFileException(e.getMessage());
    }
  }

  private static JsonNode array(JsonNode n, String key) throws LicenceFileException {
    JsonNode a = n.get(key);
    if (a == null || !a.isArray() || a.isEmpty()) throw new LicenceFileException("licence: '" + key + "' must be a non-empty list");
    return a;
  }

  private static int integer(JsonNode n, String key) throws LicenceFileException {
    JsonNode v = n.get(key);
    if (v == null || !v.canConvertToInt()) throw new LicenceFileException("licence: '" + key + "' must be a whole number");
    return v.asInt();
  }
}
