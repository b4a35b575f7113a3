package org.secaimed.connector.attest.collateral;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.secaimed.connector.io.AtomicFiles;
import org.secaimed.connector.io.Digests;

/**
 * The site's collateral cache on disk: one JSON file per item ({@code <dir>/<key>.json}),
 * written atomically, holding the served bytes, the issuer-chain header, when it was fetched,
 * until when it is fresh and the SHA-256 of body and chain. Keys name what the item is for
 * (product, FMSPC, chip and TCB). A folder seeded on a connected machine can be copied as it is
 * to an air-gapped site (offline mode).
 *
 * <p>The digest catches torn or hand-edited files; it is no defence against someone who may
 * write here (they could rewrite it too). That defence is the verifiers': every item is checked
 * against the pinned AMD/Intel roots each time it is used.
 */
public final class CollateralStore {
  static final String FORMAT = "secaimed-collateral-v1";
  private static final Pattern KEY = Pattern.compile("[a-z][a-zA-Z0-9._-]*(/[a-zA-Z0-9][a-zA-Z0-9._-]*)*");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;

  public CollateralStore(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /** The stored item, or empty; {@link CollateralException.Reason#CORRUPT_CACHE} when it does not match its digest. */
  public Optional<CollateralItem> read(String key) throws CollateralException {
    Path file = file(key);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new CollateralException(CollateralException.Reason.CORRUPT_CACHE, key, "cannot read " + file + ": " + e.getMessage());
    }
    try {
      JsonNode o = JSON.readTree(bytes);
      if (!FORMAT.equals(o.path("format").asText()) || !key.equals(o.path("key").asText())) throw new IllegalArgumentException("not an entry for this key");
      byte[] body = Base64.getDecoder().decode(o.path("body").asText());
      String chain = o.hasNonNull("issuerChain") ? o.get("issuerChain").asText() : null;
      if (!Digests.sha256Hex(body).equals(o.path("sha256").asText())
          || chain != null && !Digests.sha256Hex(chain.getBytes(StandardCharsets.UTF_8)).equals(o.path("issuerChainSha256").asText())) {
        throw new CollateralException(CollateralException.Reason.CORRUPT_CACHE, key, "stored file " + file + " does not match its recorded SHA-256");
      }
      return Optional.of(new CollateralItem(key, o.path("url").asText(), CollateralKind.valueOf(o.path("kind").asText()), body, chain,
          Instant.parse(o.path("fetchedAt").asText()), o.hasNonNull("freshUntil") ? Instant.parse(o.get("freshUntil").asText()) : null));
    } catch (CollateralException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new CollateralException(CollateralException.Reason.CORRUPT_CACHE, key, "stored file " + file + " is not a collateral entry");
    }
  }

  public void write(CollateralItem item) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("format", FORMAT);
    o.put("key", item.key());
    o.put("kind", item.kind().name());
    o.put("url", item.url());
    o.put("fetchedAt", item.fetchedAt().toString());
    if (item.freshUntil() == null) o.putNull("freshUntil");
    else o.put("freshUntil", item.freshUntil().toString());
    o.put("sha256", Digests.sha256Hex(item.body()));
    if (item.issuerChain() != null) {
      o.put("issuerChain", item.issuerChain());
      o.put("issuerChainSha256", Digests.sha256Hex(item.issuerChain().getBytes(StandardCharsets.UTF_8)));
    }
    o.put("body", Base64.getEncoder().encodeToString(item.body()));
    AtomicFiles.write(file(item.key()), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o));
  }

  /** Every key in the store, sorted. */
  public List<String> keys() throws IOException {
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) return out;
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(p -> p.getFileName().toString().endsWith(".json") && !p.getFileName().toString().startsWith("."))
          .map(p -> dir.relativize(p).toString().replace('\\', '/'))
          .map(k -> k.substring(0, k.length() - ".json".length()))
          .sorted().forEach(out::add);
    }
    return out;
  }

  private Path file(String key) {
    if (!KEY.matcher(key).matches() || key.contains("..")) throw new IllegalArgumentException("not a collateral key: " + key);
    return dir.resolve(key + ".json");
  }
}
