package org.secaimed.enclave.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import org.secaimed.connector.party.RequestRefusedException;
import org.secaimed.connector.party.SignedPolicy;
import org.secaimed.connector.party.SignedRequests;
import org.secaimed.connector.party.UsagePolicy;
import org.secaimed.enclave.server.usage.InputPolicies;
import org.secaimed.enclave.server.usage.UsageGate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.secaimed.connector.attest.AttestedKeys;
import org.secaimed.connector.attest.Evidence;
import org.secaimed.connector.attest.EvidenceJson;
import org.secaimed.connector.attest.KeyBinding;
import org.secaimed.enclave.server.attest.EvidenceProvider;
import org.secaimed.enclave.server.blob.BlobStore;
import org.secaimed.enclave.server.keys.EnclaveKeys;
import org.secaimed.enclave.server.log.ReceiptLog;
import org.secaimed.enclave.server.state.StateDir;
import org.secaimed.enclave.server.task.TaskRecord;
import org.secaimed.enclave.server.task.TaskService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway API v1 (enclave-connector/src/main/openapi/gateway-v1.yaml) over the enclave server's services. */
public final class GatewayRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayRoutes.class);
  private static final ObjectMapper JSON = StateDir.json();

  private final EvidenceProvider issuer;
  private final String logPrefix;
  private final EnclaveKeys keys;
  private final BlobStore blobs;
  private final TaskService tasks;
  private final ReceiptLog log;
  private final UsageGate gate;
  private final RequestAuthenticator auth;

  /** JSON requests (attestation, uploads, tasks) are small; 1 MiB is generous. */
  public static final int MAX_JSON_BYTES = 1 << 20;

  public GatewayRoutes(EvidenceProvider issuer, EnclaveKeys keys, BlobStore blobs, TaskService tasks, ReceiptLog log, UsageGate gate,
      SignedRequests.Verifier verifier) {
    this.gate = gate;
    this.auth = new RequestAuthenticator(verifier);
    this.issuer = issuer;
    this.logPrefix = issuer.logPrefix();
    this.keys = keys;
    this.blobs = blobs;
    this.tasks = tasks;
    this.log = log;
  }

  public void register(Javalin app) {
    String enclaveHeader = issuer.name() + (issuer.enclave().insecure() ? "; INSECURE" : "");
    app.before(ctx -> ctx.header("X-Secaimed-Enclave", enclaveHeader));
    // Before the signature check reads a body: only upload parts may be larger than a JSON request.
    app.before(ctx -> {
      if (!ctx.path().contains("/parts/") && ctx.req().getContentLengthLong() > MAX_JSON_BYTES) throw tooLarge();
    });
    app.before(auth::authenticate);
    app.post("/v1/attestation", this::attest);
    app.post("/v1/blobs", this::createUpload);
    app.get("/v1/blobs/uploads/{uploadId}", ctx -> json(ctx, 200, blobs.status(ctx.pathParam("uploadId"))));
    app.put("/v1/blobs/uploads/{uploadId}/parts/{part}", this::putPart);
    app.post("/v1/blobs/uploads/{uploadId}/complete", this::complete);
    app.delete("/v1/blobs/uploads/{uploadId}", this::abortUpload);
    app.get("/v1/blobs/{blobId}", ctx -> json(ctx, 200, blobs.blob(ctx.pathParam("blobId"))));
    app.post("/v1/tasks", this::submit);
    app.get("/v1/tasks/{taskId}", ctx -> json(ctx, 200, tasks.await(ctx.pathParam("taskId"), RequestAuthenticator.party(ctx),
        waitParameter(ctx))));
    app.delete("/v1/tasks/{taskId}", ctx -> json(ctx, 200, tasks.cancel(ctx.pathParam("taskId"), RequestAuthenticator.party(ctx))));
    app.get("/v1/tasks/{taskId}/result", this::result);
    app.get("/v1/tasks/{taskId}/receipt", ctx -> json(ctx, 200, tasks.receipt(ctx.pathParam("taskId"), RequestAuthenticator.party(ctx))));
    app.post("/v1/policies/{policyDigest}/revoke", this::revoke);
    app.get("/v1/algorithms", ctx -> json(ctx, 200, tasks.catalogue()));
    app.get("/v1/log/checkpoint", ctx -> ctx.contentType("text/plain; charset=utf-8").result(log.signedCheckpoint()));
    app.get("/v1/log/proof/inclusion", this::inclusion);
    app.get("/v1/log/proof/consistency", this::consistency);

    app.exception(Problem.class, (e, ctx) -> problem(ctx, e));
    app.exception(Exception.class, (e, ctx) -> {
      LOG.error("{}internal error on {} {}", logPrefix, ctx.method(), ctx.path(), e);
      problem(ctx, new Problem("internal", 500, "Internal error", "an unexpected internal error; the enclave's log has the details"));
    });
    app.error(404, ctx -> {
      // Javalin fills unmatched routes with a text/plain body; only our own problem answers are kept.
      String type = ctx.res().getContentType();
      if (!ctx.res().isCommitted() && (type == null || !type.startsWith("application/problem+json"))) {
        problem(ctx, Problem.notFound("no route " + ctx.method() + " " + ctx.path()));
      }
    });
  }

  private void attest(Context ctx) {
    JsonNode body = body(ctx);
    byte[] nonce;
    try {
      nonce = Base64.getDecoder().decode(body.path("nonce").asText(""));
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("nonce is not base64");
    }
    if (nonce.length != KeyBinding.NONCE_BYTES) throw Problem.badRequest("nonce must be " + KeyBinding.NONCE_BYTES + " bytes");
    AttestedKeys keys = this.keys.attestedKeys();
    Evidence evidence = issuer.issue(KeyBinding.reportData(keys, nonce));
    ObjectNode out = JSON.createObjectNode();
    ArrayNode ev = out.putArray("evidence");
    ev.add(EvidenceJson.toJson(evidence));
    ObjectNode k = out.putObject("keys");
    k.putObject("kem").put("suite", keys.kemSuite()).put("publicKey", b64(keys.kemPublicKey()));
    k.putObject("signing").put("alg", keys.signingAlg()).put("publicKey", b64(keys.signingPublicKey()));
    json(ctx, 200, out);
  }

  /**
   * Protocol v2 streamed ingest: a create may carry the owner's signed usage policy, so that a task
   * can be admitted against the upload before it is complete; the policy is verified (signed by the
   * caller, its owner) before the upload exists.
   */
  private void createUpload(Context ctx) throws IOException {
    JsonNode body = body(ctx);
    if (!body.path("partSize").canConvertToInt()) throw Problem.badRequest("partSize is required");
    Long length = body.hasNonNull("length") ? body.get("length").asLong() : null;
    SignedPolicy policy = signedPolicy(body);
    String party = RequestAuthenticator.party(ctx);
    try {
      if (policy != null && !policy.verify().owner().equals(party)) {
        throw new RequestRefusedException(RequestRefusedException.Rule.NOT_POLICY_OWNER, "only the usage policy's owner may declare it for an upload");
      }
      // Keys are per party, as tasks' are: another party's key (a gateway rewriting the header) finds nothing of this one's.
      String key = ctx.header("Idempotency-Key");
      BlobStore.UploadStatus created = blobs.create(length, body.get("partSize").asInt(),
          key == null || party == null ? key : party + "\n" + key);
      if (policy != null && "aborted".equals(created.state())) {
        throw Problem.conflict("upload-aborted", "Upload abandoned", "upload " + created.uploadId() + " was abandoned by its owner");
      }
      if (policy != null) gate.policies().declare(created.uploadId(), party, policy);
      json(ctx, 201, created);
    } catch (RequestRefusedException e) {
      throw Problem.refused(e);
    }
  }

  /** {@code waitMillis}: 0..10000, absent = 0 (answer at once). */
  private static java.time.Duration waitParameter(Context ctx) {
    String w = ctx.queryParam("waitMillis");
    if (w == null) return java.time.Duration.ZERO;
    if (!w.matches("\\d{1,5}") || Integer.parseInt(w) > 10_000) throw Problem.badRequest("waitMillis must be 0..10000");
    return java.time.Duration.ofMillis(Integer.parseInt(w));
  }

  /** The owner abandons an upload (docs/gateway-protocol.md, "Streamed ingest"); a task reading it fails. */
  private void abortUpload(Context ctx) throws IOException {
    String uploadId = ctx.pathParam("uploadId");
    blobs.status(uploadId); // 404 for an unknown upload before anything else
    try {
      var declared = gate.policies().load(uploadId);
      if (declared.isPresent() && !declared.get().policy().owner().equals(RequestAuthenticator.party(ctx))) {
        throw new RequestRefusedException(RequestRefusedException.Rule.NOT_POLICY_OWNER, "only the owner of upload " + uploadId + " may abandon it");
      }
    } catch (RequestRefusedException e) {
      throw Problem.refused(e);
    }
    json(ctx, 200, blobs.abort(uploadId));
  }

  private static SignedPolicy signedPolicy(JsonNode body) {
    try {
      return body.hasNonNull("policy") ? JSON.treeToValue(body.get("policy"), SignedPolicy.class) : null;
    } catch (IOException | IllegalArgumentException e) {
      throw Problem.badRequest("policy is malformed");
    }
  }

  private void putPart(Context ctx) throws IOException {
    int part;
    try {
      part = Integer.parseInt(ctx.pathParam("part"));
    } catch (NumberFormatException e) {
      throw Problem.badRequest("part number is not an integer");
    }
    try (InputStream in = ctx.bodyInputStream()) {
      json(ctx, 200, blobs.putPart(ctx.pathParam("uploadId"), part, ctx.header("Content-Digest"), in));
    }
  }

  /**
   * Protocol v2: the owner's signed completion carries its signed usage policy and the sealed
   * commitment key; both are verified before the blob is assembled, and the assembled archive
   * must be bound to that policy. A completion without a policy stores a blob no task can ever
   * use (usage-policy-missing): the benchmark's plaintext baseline is such a blob.
   */
  private void complete(Context ctx) throws IOException {
    JsonNode body = body(ctx);
    if (!body.path("length").canConvertToLong()) throw Problem.badRequest("length is required");
    String party = RequestAuthenticator.party(ctx);
    String uploadId = ctx.pathParam("uploadId");
    SignedPolicy policy = signedPolicy(body);
    byte[] sealedKey;
    try {
      sealedKey = body.hasNonNull("commitmentKey") ? Base64.getDecoder().decode(body.get("commitmentKey").asText()) : null;
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("commitmentKey is malformed");
    }
    blobs.status(uploadId); // 404 for an unknown upload before anything else
    try {
      var declared = gate.policies().signed(uploadId);
      if (declared.isPresent()) {
        // Declared at creation (a task may already read it): only its owner completes it, under that policy only.
        String declaredDigest = declared.get().verify().digest();
        if (policy != null && !policy.verify().digest().equals(declaredDigest)) {
          throw new RequestRefusedException(RequestRefusedException.Rule.POLICY_INVALID,
              "upload " + uploadId + " was declared under another usage policy than the completion names");
        }
        policy = declared.get();
      }
      if (policy == null) {
        json(ctx, 200, blobs.complete(uploadId, body.path("sha256").asText(null), body.get("length").asLong()));
        return;
      }
      UsagePolicy p = policy.verify();
      if (!p.owner().equals(party)) {
        throw new RequestRefusedException(RequestRefusedException.Rule.NOT_POLICY_OWNER, "only the usage policy's owner may complete the upload");
      }
      BlobStore.BlobInfo blob = blobs.complete(uploadId, body.path("sha256").asText(null), body.get("length").asLong());
      InputPolicies.requireBound(blobs.blobPath(blob.blobId()), blob.blobId(), keys.kem().publicKey().keyId(), p.digest());
      gate.policies().accept(blob.blobId(), party, policy, sealedKey);
      json(ctx, 200, blob);
    } catch (RequestRefusedException e) {
      throw Problem.refused(e);
    }
  }

  /** The policy's owner withdraws consent; appended to the log, idempotent. */
  private void revoke(Context ctx) throws IOException {
    String digest = ctx.pathParam("policyDigest");
    if (!digest.matches("[0-9a-f]{64}")) throw Problem.badRequest("policy digest must be 64 hex digits");
    UsagePolicy p = gate.policies().byDigest(digest).orElseThrow(() -> Problem.notFound("no usage policy " + digest));
    if (!p.owner().equals(RequestAuthenticator.party(ctx))) {
      throw Problem.refused(new RequestRefusedException(RequestRefusedException.Rule.NOT_POLICY_OWNER, "only the policy's owner may revoke it"));
    }
    long index = gate.ledger().appendRevoke(digest, p.owner());
    json(ctx, 200, java.util.Map.of("policyDigest", digest, "leafIndex", index));
  }

  private void submit(Context ctx) throws IOException {
    TaskRecord.Request request;
    try {
      request = JSON.readValue(jsonBytes(ctx), TaskRecord.Request.class);
    } catch (IOException e) {
      throw Problem.badRequest("task request is not valid JSON for TaskRequest");
    }
    TaskService.Submitted s = tasks.submit(ctx.header("Idempotency-Key"), request, RequestAuthenticator.party(ctx));
    json(ctx, s.created() ? 201 : 200, s.task());
  }

  private void result(Context ctx) throws IOException {
    Path p = tasks.result(ctx.pathParam("taskId"), RequestAuthenticator.party(ctx));
    ctx.contentType("application/octet-stream");
    ctx.result(Files.newInputStream(p));
  }

  private void inclusion(Context ctx) {
    long index = longParam(ctx, "leafIndex");
    long size = longParam(ctx, "treeSize");
    if (size < 1 || size > log.size() || index < 0 || index >= size) {
      throw Problem.badRequest("need 0 <= leafIndex < treeSize <= " + log.size());
    }
    json(ctx, 200, new Proof(index, size, null, null, encode(log.inclusionProof(index, size))));
  }

  private void consistency(Context ctx) {
    long from = longParam(ctx, "fromSize");
    long to = longParam(ctx, "toSize");
    if (from < 1 || from > to || to > log.size()) throw Problem.badRequest("need 1 <= fromSize <= toSize <= " + log.size());
    json(ctx, 200, new Proof(null, null, from, to, encode(log.consistencyProof(from, to))));
  }

  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  record Proof(Long leafIndex, Long treeSize, Long fromSize, Long toSize, List<String> hashes) {}

  private static List<String> encode(List<byte[]> hashes) {
    return hashes.stream().map(GatewayRoutes::b64).toList();
  }

  private static long longParam(Context ctx, String name) {
    try {
      return Long.parseLong(ctx.queryParam(name));
    } catch (NumberFormatException e) {
      throw Problem.badRequest("query parameter " + name + " must be an integer");
    }
  }

  /**
   * A JSON request body, at most {@link #MAX_JSON_BYTES}: the server's request size limit is sized
   * for upload parts, and a stream read does not enforce it, so JSON gets its own, much smaller, bound.
   */
  static byte[] jsonBytes(Context ctx) throws IOException {
    if (ctx.req().getContentLengthLong() > MAX_JSON_BYTES) throw tooLarge();
    // A signed call's body was read (and its signature checked) by RequestAuthenticator: the same bytes.
    byte[] signed = ctx.attribute(RequestAuthenticator.BODY);
    byte[] bytes = signed != null ? signed : ctx.bodyInputStream().readNBytes(MAX_JSON_BYTES + 1);
    if (bytes.length > MAX_JSON_BYTES) throw tooLarge();
    return bytes;
  }

  private static Problem tooLarge() {
    return new Problem("too-large", 413, "Request body too large", "JSON request bodies are limited to " + MAX_JSON_BYTES + " bytes");
  }

  private static JsonNode body(Context ctx) {
    try {
      JsonNode n = JSON.readTree(jsonBytes(ctx));
      if (n == null || !n.isObject()) throw Problem.badRequest("body must be a JSON object");
      return n;
    } catch (IOException e) {
      throw Problem.badRequest("body is not valid JSON");
    }
  }

  private static void json(Context ctx, int status, Object value) {
    try {
      ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(value));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static void problem(Context ctx, Problem p) {
    ObjectNode o = JSON.createObjectNode();
    o.put("type", p.type()).put("title", p.title()).put("status", p.status());
    if (p.getMessage() != null) o.put("detail", p.getMessage());
    o.put("instance", ctx.path());
    if (p.status() == 503) ctx.header("Retry-After", "1");
    try {
      ctx.status(p.status()).contentType("application/problem+json").result(JSON.writeValueAsBytes(o));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
