package org.secaimed.connector.gateway;

import org.secaimed.connector.io.RetryPolicy;
import org.secaimed.connector.io.RetryInterceptor;
import org.secaimed.connector.FailureMessages;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;
import org.secaimed.connector.gateway.generated.ApiClient;
import org.secaimed.connector.gateway.generated.api.AlgorithmsApi;
import org.secaimed.connector.gateway.generated.api.AttestationApi;
import org.secaimed.connector.gateway.generated.api.BlobsApi;
import org.secaimed.connector.gateway.generated.api.LogApi;
import org.secaimed.connector.gateway.generated.api.PoliciesApi;
import org.secaimed.connector.gateway.generated.api.TasksApi;
import org.secaimed.connector.gateway.generated.model.Algorithm;
import org.secaimed.connector.gateway.generated.model.AttestationRequest;
import org.secaimed.connector.gateway.generated.model.AttestationResponse;
import org.secaimed.connector.gateway.generated.model.Blob;
import org.secaimed.connector.gateway.generated.model.CompleteRequest;
import org.secaimed.connector.gateway.generated.model.ConsistencyProof;
import org.secaimed.connector.gateway.generated.model.InclusionProof;
import org.secaimed.connector.gateway.generated.model.Receipt;
import org.secaimed.connector.gateway.generated.model.Revocation;
import org.secaimed.connector.gateway.generated.model.Task;
import org.secaimed.connector.gateway.generated.model.TaskRequest;
import org.secaimed.connector.gateway.generated.model.UploadRequest;
import org.secaimed.connector.gateway.generated.model.UploadStatus;
import retrofit2.Call;
import retrofit2.Response;

/**
 * The gateway API v1 as typed calls: the generated Retrofit client for JSON, plain OkHttp for
 * streaming the sealed result. Errors become {@link GatewayProblemException} (with the RFC 9457
 * type) or {@link GatewayTransportException}; idempotent calls are retried per {@link RetryPolicy}.
 */
public final class GatewayClient {
  private static final MediaType OCTETS = MediaType.get("application/octet-stream");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpUrl base;
  private final OkHttpClient http;
  private final AttestationApi attestation;
  private final BlobsApi blobs;
  private final TasksApi tasks;
  private final AlgorithmsApi algorithms;
  private final LogApi log;
  private final RequestSigner signer;
  private final PoliciesApi policies;

  /**
   * Retries only calls that cannot do harm when repeated: GET, PUT, DELETE and HEAD, POSTs that
   * carry an {@code Idempotency-Key}, upload completion (idempotent by design) and attestation
   * (answered afresh per nonce); on 429 and 5xx, since a 500 is what a proxy in front of a
   * restarting gateway answers. No jitter: one site client, and the waits must add up to a restart.
   */
  static RetryInterceptor retryInterceptor(RetryPolicy retry) {
    return RetryInterceptor.builder(retry).repeatable(GatewayClient::repeatable).retryOn(429, 500, 502, 503, 504).build();
  }

  static boolean repeatable(okhttp3.Request r) {
    String m = r.method();
    if (m.equals("GET") || m.equals("PUT") || m.equals("DELETE") || m.equals("HEAD")) return true;
    if (!m.equals("POST")) return false;
    String path = r.url().encodedPath();
    return r.header("Idempotency-Key") != null || path.endsWith("/complete") || path.endsWith("/v1/attestation");
  }

  public GatewayClient(String baseUrl, RetryPolicy retry, Duration callTimeout) {
    this(baseUrl, new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(callTimeout)
        .writeTimeout(callTimeout)
        .retryOnConnectionFailure(false)
        .addInterceptor(retryInterceptor(retry))
        .build());
  }

  public GatewayClient(String baseUrl, OkHttpClient http) {
    HttpUrl parsed = HttpUrl.parse(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
    if (parsed == null) throw new IllegalArgumentException("not an http(s) URL: " + baseUrl);
    this.base = parsed;
    this.signer = new RequestSigner(parsed, java.time.Clock.systemUTC());
    // Appended after the caller's interceptors (retries): each attempt is signed with a fresh nonce.
    http = http.newBuilder().addInterceptor(signer).build();
    this.http = http;
    ApiClient api = new ApiClient(http);
    api.getAdapterBuilder().baseUrl(parsed);
    this.attestation = api.createService(AttestationApi.class);
    this.blobs = api.createService(BlobsApi.class);
    this.tasks = api.createService(TasksApi.class);
    this.algorithms = api.createService(AlgorithmsApi.class);
    this.log = api.createService(LogApi.class);
    this.policies = api.createService(PoliciesApi.class);
  }

  /** Signs the calls the enclave attributes to a party (set by {@link GatewaySession} after attestation). */
  public RequestSigner signer() {
    return signer;
  }

  public AttestationResponse attest(byte[] nonce) throws GatewayException {
    return call("attestation", attestation.attest(new AttestationRequest().nonce(nonce)));
  }

  public UploadStatus createUpload(Long length, int partSize, String idempotencyKey) throws GatewayException {
    return call("create upload", blobs.createUpload(new UploadRequest().length(length).partSize(partSize), idempotencyKey));
  }

  /** Protocol v2 streamed ingest: an upload whose owner declares its signed usage policy now, so a task may read it while it arrives. */
  public UploadStatus createUpload(Long length, int partSize, String idempotencyKey,
      org.secaimed.connector.gateway.generated.model.SignedPolicy policy) throws GatewayException {
    return call("create upload", blobs.createUpload(new UploadRequest().length(length).partSize(partSize).policy(policy), idempotencyKey));
  }

  /** Abandons an open upload: the gateway drops its parts, and a task reading it fails with input-upload-aborted. */
  public UploadStatus abortUpload(String uploadId) throws GatewayException {
    return call("abandon upload", blobs.abortUpload(uploadId));
  }

  public UploadStatus getUpload(String uploadId) throws GatewayException {
    return call("upload status", blobs.getUpload(uploadId));
  }

  public UploadStatus putPart(String uploadId, int part, byte[] bytes, int length, byte[] sha256) throws GatewayException {
    String digest = "sha-256=:" + Base64.getEncoder().encodeToString(sha256) + ":";
    return call("upload part " + part, blobs.putPart(uploadId, part, digest, RequestBody.create(bytes, OCTETS, 0, length)));
  }

  public Blob completeUpload(String uploadId, String sha256Hex, long length) throws GatewayException {
    return completeUpload(uploadId, new CompleteRequest().sha256(sha256Hex).length(length));
  }

  /** Protocol v2: the request also carries the owner-signed usage policy and the sealed commitment key. */
  public Blob completeUpload(String uploadId, CompleteRequest request) throws GatewayException {
    return call("complete upload", blobs.completeUpload(uploadId, request));
  }

  /** Protocol v2: the owner withdraws consent for every future use of inputs under the policy. */
  public Revocation revoke(String policyDigest) throws GatewayException {
    return call("revoke " + policyDigest, policies.revokePolicy(policyDigest));
  }

  public Blob getBlob(String blobId) throws GatewayException {
    return call("blob", blobs.getBlob(blobId));
  }

  public Task submit(TaskRequest request, String idempotencyKey) throws GatewayException {
    return call("submit task", tasks.submitTask(idempotencyKey, request));
  }

  public Task task(String taskId) throws GatewayException {
    return call("task " + taskId, tasks.getTask(taskId, null));
  }

  /** The task once it changed or finished, or after {@code wait} (at most 10 s; an enclave without long polls answers at once). */
  public Task task(String taskId, Duration wait) throws GatewayException {
    int millis = (int) Math.min(10_000, Math.max(0, wait.toMillis()));
    return call("task " + taskId, tasks.getTask(taskId, millis == 0 ? null : millis));
  }

  public Task cancel(String taskId) throws GatewayException {
    return call("cancel " + taskId, tasks.cancelTask(taskId));
  }

  public Receipt receipt(String taskId) throws GatewayException {
    return call("receipt " + taskId, tasks.getReceipt(taskId));
  }

  public List<Algorithm> algorithms() throws GatewayException {
    return call("algorithms", algorithms.listAlgorithms());
  }

  public String checkpoint() throws GatewayException {
    return call("checkpoint", log.getCheckpoint());
  }

  public InclusionProof inclusionProof(long leafIndex, long treeSize) throws GatewayException {
    return call("inclusion proof", log.getInclusionProof(leafIndex, treeSize));
  }

  public ConsistencyProof consistencyProof(long fromSize, long toSize) throws GatewayException {
    return call("consistency proof", log.getConsistencyProof(fromSize, toSize));
  }

  /** A model's provenance report (signed request; the enclave answers only the model's contributors). Unverified bytes. */
  public byte[] modelProvenance(String modelId) throws GatewayException {
    HttpUrl url = base.newBuilder().addPathSegments("v1/models").addPathSegment(modelId).addPathSegment("provenance").build();
    try (okhttp3.Response r = http.newCall(new Request.Builder().url(url).get().build()).execute()) {
      ResponseBody body = r.body();
      if (!r.isSuccessful()) throw problem("provenance of " + modelId, r.code(), body == null ? null : body.string());
      if (body == null) throw new GatewayException("provenance of " + modelId + ": empty response body");
      return body.bytes();
    } catch (IOException e) {
      throw new GatewayTransportException("provenance of " + modelId + ": " + e.getMessage(), e);
    }
  }

  /** Every task that used one of the caller's inputs (signed request; owner only). Unverified bytes. */
  public byte[] inputUses(String blobId) throws GatewayException {
    HttpUrl url = base.newBuilder().addPathSegments("v1/blobs").addPathSegment(blobId).addPathSegment("uses").build();
    try (okhttp3.Response r = http.newCall(new Request.Builder().url(url).get().build()).execute()) {
      ResponseBody body = r.body();
      if (!r.isSuccessful()) throw problem("uses of " + blobId, r.code(), body == null ? null : body.string());
      if (body == null) throw new GatewayException("uses of " + blobId + ": empty response body");
      return body.bytes();
    } catch (IOException e) {
      throw new GatewayTransportException("uses of " + blobId + ": " + e.getMessage(), e);
    }
  }

  /** Streams the sealed result into {@code sink}; returns the number of bytes. */
  public long downloadResult(String taskId, OutputStream sink) throws GatewayException {
    HttpUrl url = base.newBuilder().addPathSegments("v1/tasks").addPathSegment(taskId).addPathSegment("result").build();
    try (okhttp3.Response r = http.newCall(new Request.Builder().url(url).get().build()).execute()) {
      ResponseBody body = r.body();
      if (!r.isSuccessful()) throw problem("result " + taskId, r.code(), body == null ? null : body.string());
      try (InputStream in = body.byteStream()) {
        return in.transferTo(sink);
      }
    } catch (IOException e) {
      throw new GatewayTransportException("result " + taskId + ": " + e.getMessage(), e);
    }
  }

  private static <T> T call(String operation, Call<T> call) throws GatewayException {
    Response<T> r;
    try {
      r = call.execute();
    } catch (IOException e) {
      throw new GatewayTransportException(operation + ": " + FailureMessages.of(e), e);
    } catch (RuntimeException e) {
      // Retrofit/Jackson conversion failures: the gateway sent something that is not the API.
      throw new GatewayException(operation + ": malformed response: " + e.getMessage(), e);
    }
    if (r.isSuccessful()) {
      if (r.body() == null) throw new GatewayException(operation + ": empty response body");
      return r.body();
    }
    String err;
    try (ResponseBody eb = r.errorBody()) {
      err = eb == null ? null : eb.string();
    } catch (IOException e) {
      err = null;
    }
    throw problem(operation, r.code(), err);
  }

  private static GatewayProblemException problem(String operation, int status, String body) {
    String type = null;
    String title = null;
    String detail = null;
    if (body != null) {
      try {
        JsonNode n = JSON.readTree(body);
        type = n.path("type").asText(null);
        title = n.path("title").asText(null);
        detail = n.path("detail").asText(null);
      } catch (IOException e) {
        detail = "non-JSON error body";
      }
    }
    return new GatewayProblemException(operation, type, status, title, detail);
  }
}
