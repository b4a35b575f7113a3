package org.secaimed.enclave.server.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Sealed blobs in an S3 bucket (path-style, AWS Signature V4 by the AWS SDK's signer, as the
 * Kaapana report writer does; requests go through the JDK's HTTP client). Objects are named
 * {@code <prefix>/<name>}. The bucket is outside the TEE: it sees ciphertext only and what it
 * returns is verified by {@link BlobStore}.
 */
public final class S3BlobBackend implements SealedBlobBackend {
  private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");
  private static final Pattern KEY = Pattern.compile("<Key>[^<]*</Key>");
  private static final Pattern NEXT = Pattern.compile("<NextContinuationToken>([^<]*)</NextContinuationToken>");

  /** {@code s3://bucket/prefix}, parsed. */
  public record Location(String bucket, String prefix) {
    public static Location parse(String uri) {
      if (uri == null || !uri.startsWith("s3://")) throw new IllegalArgumentException("blob store must be s3://bucket/prefix, got " + uri);
      String rest = uri.substring(5);
      int slash = rest.indexOf('/');
      String bucket = slash < 0 ? rest : rest.substring(0, slash);
      String prefix = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("/+$", "");
      if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) throw new IllegalArgumentException("bad S3 bucket name '" + bucket + "'");
      return new Location(bucket, prefix);
    }

    String key(String name) {
      return prefix.isEmpty() ? name : prefix + "/" + name;
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final URI endpoint;
  private final Location location;
  private final AwsCredentialsIdentity credentials;
  private final String region;

  public S3BlobBackend(URI endpoint, Location location, AwsCredentialsIdentity credentials, String region) {
    this.endpoint = URI.create(endpoint.toString().replaceAll("/+$", ""));
    this.location = location;
    this.credentials = credentials;
    this.region = region;
  }

  /**
   * From the environment: {@code SECAIMED_S3_ENDPOINT} (default AWS's regional endpoint),
   * {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_REGION} (default us-east-1).
   */
  public static S3BlobBackend fromEnvironment(String uri, Map<String, String> env) {
    String id = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
      throw new IllegalArgumentException("--blob-store s3:// needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment");
    }
    String region = env.getOrDefault("AWS_REGION", "us-east-1");
    String endpoint = env.getOrDefault("SECAIMED_S3_ENDPOINT", "https://s3." + region + ".amazonaws.com");
    return new S3BlobBackend(URI.create(endpoint), Location.parse(uri), AwsCredentialsIdentity.create(id, secret), region);
  }

  @Override
  public void put(String name, Path file) throws IOException {
    HttpResponse<String> r = send(SdkHttpMethod.PUT, objectPath(name), "", file, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) throw failure("PUT", name, r.statusCode(), r.body());
  }

  @Override
  public boolean get(String name, Path target) throws IOException {
    HttpResponse<InputStream> r = send(SdkHttpMethod.GET, objectPath(name), "", null, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      if (r.statusCode() == 404) return false;
      if (r.statusCode() / 100 != 2) throw failure("GET", name, r.statusCode(), new String(in.readNBytes(200), StandardCharsets.UTF_8));
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return true;
    }
  }

  @Override
  public OptionalLong length(String name) throws IOException {
    HttpResponse<Void> r = send(SdkHttpMethod.HEAD, objectPath(name), "", null, HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() == 404) return OptionalLong.empty();
    if (r.statusCode() / 100 != 2) throw failure("HEAD", name, r.statusCode(), "");
    return r.headers().firstValueAsLong("Content-Length");
  }

  @Override
  public long count() throws IOException {
    long n = 0;
    String token = null;
    do {
      String query = "list-type=2&prefix=" + enc(location.key(""));
      if (token != null) query = "continuation-token=" + enc(token) + "&" + query;
      HttpResponse<String> r = send(SdkHttpMethod.GET, "/" + location.bucket(), query, null, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) throw failure("LIST", location.key(""), r.statusCode(), r.body());
      Matcher keys = KEY.matcher(r.body());
      while (keys.find()) n++;
      Matcher next = NEXT.matcher(r.body());
      token = next.find() ? next.group(1) : null;
    } while (token != null);
    return n;
  }

  @Override
  public String describe() {
    return "s3://" + location.bucket() + "/" + location.prefix() + " at " + endpoint;
  }

  private String objectPath(String name) {
    StringBuilder p = new StringBuilder("/").append(location.bucket());
    for (String segment : location.key(name).split("/")) p.append('/').append(enc(segment));
    return p.toString();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private <T> HttpResponse<T> send(SdkHttpMethod method, String path, String query, Path body, HttpResponse.BodyHandler<T> handler)
      throws IOException {
    URI uri = URI.create(endpoint + path + (query.isEmpty() ? "" : "?" + query));
    ContentStreamProvider payload = body == null ? ContentStreamProvider.fromByteArray(new byte[0]) : () -> {
      try {
        return Files.newInputStream(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(credentials)
        .request(SdkHttpRequest.builder().method(method).uri(uri).build())
        .payload(payload)
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
        .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
        .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true));
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5));
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofFile(body);
    request.method(method.name(), publisher);
    for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
      if (RESTRICTED.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) continue;
      for (String v : h.getValue()) request.header(h.getKey(), v);
    }
    try {
      return http.send(request.build(), handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while talking to S3", e);
    }
  }

  private IOException failure(String op, String name, int status, String text) {
    return new IOException("S3 " + op + " " + location.key(name) + ": HTTP " + status + " " + text.substring(0, Math.min(200, text.length())));
  }
}
