package org.secaimed.dicom.web;

import org.secaimed.connector.io.RetryPolicy;
import org.secaimed.connector.io.RetryInterceptor;
import org.secaimed.connector.FailureMessages;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * A DICOMweb client (PS3.18) for QIDO-RS, WADO-RS and STOW-RS on OkHttp. Thread-safe; build one
 * per PACS and reuse it.
 *
 * <pre>{@code
 * DicomWebClient pacs = DicomWebClient.builder("http://dcm4chee:8080/dcm4chee-arc/aets/KAAPANA/rs")
 *     .bearerToken(keycloak::accessToken).build();
 * List<DicomJsonObject> series = pacs.search(QidoQuery.series().inStudy(study).build());
 * try (InstanceStream s = pacs.retrieveSeries(study, seriesUid)) { while (s.next()) { ... s.body() ... } }
 * StowResult r = pacs.store(StowRequest.builder().addDataset(seg).build());
 * }</pre>
 *
 * Every failure is a {@link DicomWebException} with status, method and a redacted URL. Tokens
 * and query values never appear in messages.
 */
public final class DicomWebClient {
  private static final MediaType DICOM_JSON = MediaType.get("application/dicom+json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpUrl base;
  private final OkHttpClient http;
  private final OkHttpClient stowHttp;
  private final String wadoAccept;
  private final String wadoAcceptAnySyntax;

  private DicomWebClient(Builder b) {
    this.base = b.base;
    OkHttpClient.Builder hb = (b.http == null ? new OkHttpClient() : b.http).newBuilder()
        .connectTimeout(b.connectTimeout)
        .readTimeout(b.readTimeout)
        .writeTimeout(b.writeTimeout)
        // GET and HEAD only: a lost STOW-RS answer may hide a completed store. Jitter, since many jobs share one PACS.
        .addInterceptor(RetryInterceptor.builder(b.retryPolicy).repeatable(r -> r.method().equals("GET") || r.method().equals("HEAD"))
            .retryOn(408, 429, 502, 503, 504).jitter(true).build());
    if (b.http == null) hb.socketFactory(new LargeReadSocketFactory()); // a caller's own client keeps its sockets
    if (b.token != null) {
      Supplier<String> token = b.token;
      hb.addInterceptor(chain -> {
        String t;
        try {
          t = token.get();
        } catch (RuntimeException e) {
          // Typed and retryable like any I/O failure; the token itself never appears in messages.
          throw new IOException("the bearer token supplier failed: " + FailureMessages.of(e), e);
        }
        if (t == null || t.isBlank()) return chain.proceed(chain.request());
        return chain.proceed(chain.request().newBuilder().header("Authorization", "Bearer " + t).build());
      });
    }
    this.http = hb.build();
    // STOW-RS is not idempotent as far as the client can tell: OkHttp must not resend it silently,
    // and it gets a fresh connection so a keep-alive connection the server already closed
    // (Orthanc: "Keep-Alive: timeout=1") cannot make it fail.
    this.stowHttp = http.newBuilder().retryOnConnectionFailure(false).connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS)).build();
    this.wadoAccept = "multipart/related; type=\"application/dicom\"; transfer-syntax=" + b.transferSyntax;
    this.wadoAcceptAnySyntax = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
  }

  public static Builder builder(String baseUrl) {
    return new Builder(baseUrl);
  }

  /** The service root without trailing slash, e.g. {@code http://127.0.0.1:8042/dicom-web}. */
  public String baseUrl() {
    return base.toString();
  }

  // ---------------------------------------------------------------- QIDO-RS

  /** One page of a QIDO-RS search (the query's own limit/offset). An empty result (200 [] or 204) is an empty list. */
  public List<DicomJsonObject> search(QidoQuery query) throws IOException {
    HttpUrl.Builder url = url(query.pathSegments()).newBuilder();
    for (Map.Entry<String, String> m : query.matches().entrySet()) url.addQueryParameter(m.getKey(), m.getValue());
    for (String f : query.includeFields()) url.addQueryParameter("includefield", f);
    if (query.fuzzy()) url.addQueryParameter("fuzzymatching", "true");
    if (query.limit() != null) url.addQueryParameter("limit", query.limit().toString());
    if (query.offset() != null) url.addQueryParameter("offset", query.offset().toString());
    return getJsonArray(url.build());
  }

  /**
   * All results of a search, fetched in pages of {@code pageSize} until a short page. Servers
   * that cap results silently (dcm4chee's QIDO limit) are thus walked completely.
   */
  public List<DicomJsonObject> searchAll(QidoQuery query, int pageSize) throws IOException {
    if (pageSize <= 0) throw new IllegalArgumentException("pageSize must be positive");
    List<DicomJsonObject> all = new ArrayList<>();
    int offset = query.offset() == null ? 0 : query.offset();
    while (true) {
      List<DicomJsonObject> page = search(query.page(offset, pageSize));
      all.addAll(page);
      if (page.size() < pageSize) return all;
      offset += page.size();
    }
  }

  // ---------------------------------------------------------------- WADO-RS

  public InstanceStream retrieveStudy(String studyUid) throws IOException {
    return retrieve(url(List.of("studies", Uids.require(studyUid, "StudyInstanceUID"))));
  }

  public InstanceStream retrieveSeries(String studyUid, String seriesUid) throws IOException {
    return retrieve(url(List.of("studies", Uids.require(studyUid, "StudyInstanceUID"), "series", Uids.require(seriesUid, "SeriesInstanceUID"))));
  }

  public InstanceStream retrieveInstance(String studyUid, String seriesUid, String sopInstanceUid) throws IOException {
    return retrieve(url(List.of("studies", Uids.require(studyUid, "StudyInstanceUID"), "series", Uids.require(seriesUid, "SeriesInstanceUID"),
        "instances", Uids.require(sopInstanceUid, "SOPInstanceUID"))));
  }

  /** The metadata (DICOM JSON, bulk data as BulkDataURI) of every instance of a series. */
  public List<DicomJsonObject> seriesMetadata(String studyUid, String seriesUid) throws IOException {
    return getJsonArray(url(List.of("studies", Uids.require(studyUid, "StudyInstanceUID"), "series", Uids.require(seriesUid, "SeriesInstanceUID"), "metadata")));
  }

  public List<DicomJsonObject> instanceMetadata(String studyUid, String seriesUid, String sopInstanceUid) throws IOException {
    return getJsonArray(url(List.of("studies", Uids.require(studyUid, "StudyInstanceUID"), "series", Uids.require(seriesUid, "SeriesInstanceUID"),
        "instances", Uids.require(sopInstanceUid, "SOPInstanceUID"), "metadata")));
  }

  private InstanceStream retrieve(HttpUrl url) throws IOException {
    Response r = execute(new Request.Builder().url(url).header("Accept", wadoAccept).get().build());
    if (r.code() == 406 && !wadoAccept.equals(wadoAcceptAnySyntax)) {
      // The server cannot transcode to what we asked for: take what it stores and let the caller decide.
      r.close();
      r = execute(new Request.Builder().url(url).header("Accept", wadoAcceptAnySyntax).get().build());
    }
    requireSuccess(r, "WADO-RS retrieve failed");
    return new InstanceStream(r, Redaction.url(url));
  }

  // ---------------------------------------------------------------- STOW-RS

  /** Stores instances (POST {base}/studies). Never retried. */
  public StowResult store(StowRequest request) throws IOException {
    return store(url(List.of("studies")), request);
  }

  /** Stores instances that must belong to one study (POST {base}/studies/{uid}); others fail per instance. */
  public StowResult store(String studyUid, StowRequest request) throws IOException {
    return store(url(List.of("studies", Uids.require(studyUid, "StudyInstanceUID"))), request);
  }

  private StowResult store(HttpUrl url, StowRequest request) throws IOException {
    Request req = new Request.Builder().url(url).header("Accept", DICOM_JSON.toString()).post(request.toRequestBody()).build();
    try (Response r = execute(stowHttp, req)) {
      int code = r.code();
      byte[] body = r.body().bytes();
      boolean mayCarryOutcome = code == 200 || code == 202 || code == 400 || code == 409;
      JsonNode parsed = mayCarryOutcome ? parseJsonOrNull(body) : null;
      ObjectNode dataset = parsed == null ? null : parsed.isArray() && parsed.size() == 1 && parsed.get(0).isObject() ? (ObjectNode) parsed.get(0)
          : parsed.isObject() ? (ObjectNode) parsed : null;
      if (dataset == null || !StowResponseParser.looksLikeStoreResponse(dataset)) {
        if (code == 204 && request.parts().isEmpty()) return new StowResult(code, null, List.of());
        throw new DicomWebException("POST", Redaction.url(url), code, problemDetail(r.body().contentType(), body),
            "STOW-RS answered without a Store Instances Response", null);
      }
      return StowResponseParser.parse(code, new DicomJsonObject(dataset), request.parts());
    }
  }

  // ---------------------------------------------------------------- plumbing

  private HttpUrl url(List<String> segments) {
    HttpUrl.Builder b = base.newBuilder();
    for (String s : segments) b.addPathSegment(s);
    return b.build();
  }

  private Response execute(Request request) throws DicomWebException {
    return execute(http, request);
  }

  private static Response execute(OkHttpClient client, Request request) throws DicomWebException {
    try {
      return client.newCall(request).execute();
    } catch (IOException e) {
      throw new DicomWebException(request.method(), Redaction.url(request.url()), 0, null,
          FailureMessages.of(e), e);
    }
  }

  private List<DicomJsonObject> getJsonArray(HttpUrl url) throws IOException {
    Request req = new Request.Builder().url(url).header("Accept", DICOM_JSON.toString()).get().build();
    try (Response r = execute(req)) {
      if (r.code() == 204) return List.of();
      requireSuccess(r, "request failed");
      JsonNode node;
      try (InputStream in = r.body().byteStream()) {
        node = JSON.readTree(in);
      } catch (IOException e) {
        throw new DicomWebException("GET", Redaction.url(url), r.code(), null, "response is not DICOM JSON: " + e.getMessage(), e);
      }
      if (node == null || node.isMissingNode()) return List.of();
      if (!node.isArray()) throw new DicomWebException("GET", Redaction.url(url), r.code(), null, "expected a DICOM JSON array", null);
      List<DicomJsonObject> out = new ArrayList<>(node.size());
      for (JsonNode n : node) {
        if (!n.isObject()) throw new DicomWebException("GET", Redaction.url(url), r.code(), null, "DICOM JSON array holds a non-object", null);
        out.add(new DicomJsonObject((ObjectNode) n));
      }
      return out;
    }
  }

  private static void requireSuccess(Response r, String what) throws DicomWebException {
    if (r.isSuccessful()) return;
    ResponseBody body = r.body();
    String detail;
    try {
      // At most 4 KiB of the explanation; the body may be shorter, chunked or unterminated.
      okio.BufferedSource src = body.source();
      src.request(4096);
      detail = problemDetail(body.contentType(), src.getBuffer().readByteArray(Math.min(4096, src.getBuffer().size())));
    } catch (IOException e) {
      detail = null;
    } finally {
      r.close();
    }
    throw new DicomWebException(r.request().method(), Redaction.url(r.request().url()), r.code(), detail, what, null);
  }

  /** The server's explanation: problem+json detail/title, DICOM Error Comment, Orthanc's Message, else short text. */
  static String problemDetail(MediaType type, byte[] body) {
    if (body == null || body.length == 0) return null;
    JsonNode json = parseJsonOrNull(body);
    if (json != null) {
      JsonNode o = json.isArray() && json.size() > 0 ? json.get(0) : json;
      for (String field : new String[] {"detail", "title", "Message", "message", "Details", "error_description", "error"}) {
        if (o.hasNonNull(field) && o.get(field).isValueNode()) return shorten(o.get(field).asText());
      }
      if (o.isObject()) {
        String comment = new DicomJsonObject((ObjectNode) o).string(DicomTags.ErrorComment);
        if (comment != null) return shorten(comment);
      }
      return null;
    }
    if (type != null && ("text".equals(type.type()) || type.subtype().contains("xml") || type.subtype().contains("html")))
      return shorten(new String(body, StandardCharsets.UTF_8));
    return null;
  }

  private static String shorten(String s) {
    String one = s.replaceAll("\\s+", " ").trim();
    return one.length() > 300 ? one.substring(0, 300) + "…" : one;
  }

  private static JsonNode parseJsonOrNull(byte[] body) {
    if (body == null || body.length == 0) return null;
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  public static final class Builder {
    private final HttpUrl base;
    private Supplier<String> token;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(60);
    private Duration writeTimeout = Duration.ofSeconds(60);
    private RetryPolicy retryPolicy = RetryPolicy.pacsDefaults();
    private String transferSyntax = TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN;
    private OkHttpClient http;

    private Builder(String baseUrl) {
      HttpUrl u = HttpUrl.parse(Objects.requireNonNull(baseUrl, "baseUrl"));
      if (u == null) throw new IllegalArgumentException("not an http(s) URL: " + baseUrl);
      if (!u.username().isEmpty() || !u.password().isEmpty())
        throw new IllegalArgumentException("credentials in the DICOMweb URL are not accepted: use a bearer token supplier");
      // Keep a trailing slash so that path segments append below the root.
      String s = u.toString();
      this.base = HttpUrl.get(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }

    /** Supplies an OAuth2 access token per request (refreshed tokens are picked up); null or blank sends none. */
    public Builder bearerToken(Supplier<String> supplier) {
      this.token = Objects.requireNonNull(supplier);
      return this;
    }

    public Builder connectTimeout(Duration d) {
      this.connectTimeout = Objects.requireNonNull(d);
      return this;
    }

    /** Longest silence on a socket read; bounds a stalled WADO stream. */
    public Builder readTimeout(Duration d) {
      this.readTimeout = Objects.requireNonNull(d);
      return this;
    }

    public Builder writeTimeout(Duration d) {
      this.writeTimeout = Objects.requireNonNull(d);
      return this;
    }

    public Builder retryPolicy(RetryPolicy p) {
      this.retryPolicy = Objects.requireNonNull(p);
      return this;
    }

    /** The transfer syntax WADO-RS asks for (default Explicit VR Little Endian; "*" = as stored). */
    public Builder transferSyntax(String uid) {
      this.transferSyntax = "*".equals(uid) ? uid : Uids.require(uid, "transfer syntax");
      return this;
    }

    /** A preconfigured OkHttp client to derive from (TLS trust, proxies, interceptors). */
    public Builder httpClient(OkHttpClient client) {
      this.http = Objects.requireNonNull(client);
      return this;
    }

    public DicomWebClient build() {
      return new DicomWebClient(this);
    }
  }
}
