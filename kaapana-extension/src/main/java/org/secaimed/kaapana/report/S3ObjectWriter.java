package org.secaimed.kaapana.report;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * PUTs objects into an S3 bucket (Kaapana's MinIO), path-style, signed with AWS Signature V4 by
 * the AWS SDK's signer and sent with OkHttp (the operator's HTTP client; the SDK's own clients
 * would bring a second HTTP stack).
 */
public final class S3ObjectWriter {
  private final OkHttpClient http;
  private final HttpUrl endpoint;
  private final AwsCredentialsIdentity credentials;
  private final String region;

  public S3ObjectWriter(OkHttpClient http, HttpUrl endpoint, AwsCredentialsIdentity credentials) {
    this.http = http;
    this.endpoint = endpoint;
    this.credentials = credentials;
    this.region = "us-east-1"; // MinIO's default region
  }

  public void put(String bucket, String key, byte[] body, String contentType) throws IOException {
    HttpUrl.Builder url = endpoint.newBuilder().addPathSegment(bucket);
    if (key != null) for (String segment : key.split("/")) url.addPathSegment(segment);
    send(url.build(), body, contentType);
  }

  /** Creates a bucket (tests; Kaapana creates project-&lt;name&gt; with the project). */
  void createBucket(String bucket) throws IOException {
    send(endpoint.newBuilder().addPathSegment(bucket).build(), new byte[0], null);
  }

  private void send(HttpUrl url, byte[] body, String contentType) throws IOException {
    SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.PUT).uri(URI.create(url.toString()));
    if (contentType != null) unsigned.putHeader("Content-Type", contentType);
    SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(credentials)
        .request(unsigned.build())
        .payload(ContentStreamProvider.fromByteArray(body))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
        .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
        .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true));
    Request.Builder request = new Request.Builder().url(url)
        .put(RequestBody.create(body, contentType == null ? null : MediaType.get(contentType)));
    for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
      if (h.getKey().equalsIgnoreCase("Host") || h.getKey().equalsIgnoreCase("Content-Length")) continue;
      for (String v : h.getValue()) request.addHeader(h.getKey(), v);
    }
    try (Response r = http.newCall(request.build()).execute()) {
      if (!r.isSuccessful()) {
        String text = r.body() == null ? "" : r.body().string();
        throw new IOException("S3 PUT " + url.encodedPath() + ": HTTP " + r.code() + " " + text.substring(0, Math.min(200, text.length())));
      }
    }
  }
}
