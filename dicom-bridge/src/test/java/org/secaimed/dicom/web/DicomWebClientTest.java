package org.secaimed.dicom.web;

import org.secaimed.connector.io.RetryPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Client behaviour that needs faults a real PACS does not produce on demand: retries, truncation, odd answers. */
class DicomWebClientTest {
  private static final String STUDY = "1.2.3";
  private static final String SERIES = "1.2.3.4";
  private MockWebServer server;
  private DicomWebClient client;

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start();
    client = DicomWebClient.builder(server.url("/dicom-web").toString())
        .retryPolicy(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5)))
        .bearerToken(() -> "s3cret-token")
        .build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void idempotentGetIsRetriedOnServiceUnavailable() throws Exception {
    server.enqueue(new MockResponse.Builder().code(503).build());
    server.enqueue(new MockResponse.Builder().code(502).build());
    server.enqueue(json("[{\"0020000D\":{\"vr\":\"UI\",\"Value\":[\"1.2.3\"]}}]"));

    List<DicomJsonObject> studies = client.search(QidoQuery.studies().build());

    assertThat(studies).hasSize(1);
    assertThat(studies.get(0).string(DicomTags.StudyInstanceUID)).isEqualTo("1.2.3");
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void retriesStopAtMaxAttemptsAndReportTheLastStatus() {
    for (int i = 0; i < 3; i++) server.enqueue(new MockResponse.Builder().code(503).body("{\"Message\":\"busy\"}").build());

    assertThatThrownBy(() -> client.search(QidoQuery.studies().build()))
        .isInstanceOfSatisfying(DicomWebException.class, e -> {
          assertThat(e.status()).isEqualTo(503);
          assertThat(e.problemDetail()).isEqualTo("busy");
        });
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void stowIsNeverRetried() throws Exception {
    server.enqueue(new MockResponse.Builder().code(503).build());
    server.enqueue(json("{}"));
    StowRequest req = StowRequest.builder().addBytes(part10("1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.5"), "a").build();

    assertThatThrownBy(() -> client.store(req))
        .isInstanceOfSatisfying(DicomWebException.class, e -> assertThat(e.status()).isEqualTo(503));
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void clientErrorsAreNotRetried() {
    server.enqueue(new MockResponse.Builder().code(400).addHeader("Content-Type", "application/problem+json")
        .body("{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"detail\":\"unknown key Foo\"}").build());

    assertThatThrownBy(() -> client.search(QidoQuery.studies().match("PatientID", "SECRET-PATIENT-42").build()))
        .isInstanceOfSatisfying(DicomWebException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.problemDetail()).isEqualTo("unknown key Foo");
          // Query values may be patient data: never in messages.
          assertThat(e.getMessage()).doesNotContain("SECRET-PATIENT-42").contains("PatientID=…");
          assertThat(e.getMessage()).doesNotContain("s3cret-token");
        });
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void problemDetailIsReadFromAChunkedErrorBody() {
    server.enqueue(new MockResponse.Builder().code(404).addHeader("Content-Type", "application/json")
        .chunkedBody("{\"HttpError\":\"Not Found\",\"Message\":\"Accessing an inexistent series\"}", 7).build());
    assertThatThrownBy(() -> client.seriesMetadata(STUDY, SERIES))
        .isInstanceOfSatisfying(DicomWebException.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.problemDetail()).isEqualTo("Accessing an inexistent series");
          assertThat(e.redactedUrl()).endsWith("/dicom-web/studies/1.2.3/series/1.2.3.4/metadata");
        });
  }

  @Test
  void bearerTokenIsSentOnEveryAttempt() throws Exception {
    server.enqueue(new MockResponse.Builder().code(503).build());
    server.enqueue(new MockResponse.Builder().code(204).build());

    assertThat(client.search(QidoQuery.series().inStudy(STUDY).build())).isEmpty();

    for (int i = 0; i < 2; i++) {
      RecordedRequest r = server.takeRequest();
      assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer s3cret-token");
    }
  }

  @Test
  void qidoPagingWalksAllPagesAndSendsKeys() throws Exception {
    server.enqueue(json(instances(0, 2)));
    server.enqueue(json(instances(2, 2)));
    server.enqueue(json(instances(4, 1)));

    List<DicomJsonObject> all = client.searchAll(
        QidoQuery.instances().inStudy(STUDY).inSeries(SERIES).match("Modality", "CT").includeField("00080018").build(), 2);

    assertThat(all).extracting(o -> o.string(DicomTags.SOPInstanceUID)).containsExactly("1.2.3.4.0", "1.2.3.4.1", "1.2.3.4.2", "1.2.3.4.3", "1.2.3.4.4");
    RecordedRequest first = server.takeRequest();
    assertThat(first.getUrl().encodedPath()).isEqualTo("/dicom-web/studies/1.2.3/series/1.2.3.4/instances");
    assertThat(first.getUrl().queryParameter("Modality")).isEqualTo("CT");
    assertThat(first.getUrl().queryParameter("includefield")).isEqualTo("00080018");
    assertThat(first.getUrl().queryParameter("limit")).isEqualTo("2");
    assertThat(first.getUrl().queryParameter("offset")).isEqualTo("0");
    assertThat(server.takeRequest().getUrl().queryParameter("offset")).isEqualTo("2");
    assertThat(server.takeRequest().getUrl().queryParameter("offset")).isEqualTo("4");
  }

  @Test
  void wadoAsksForExplicitLittleEndianAndReportsWhatCame() throws Exception {
    byte[] a = part10("1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.1");
    byte[] b = part10("1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.2");
    server.enqueue(multipart("BND", List.of(a, b), true, "application/dicom; transfer-syntax=1.2.840.10008.1.2.1"));

    List<String> uids = new ArrayList<>();
    List<Integer> lengths = new ArrayList<>();
    try (InstanceStream s = client.retrieveSeries(STUDY, SERIES)) {
      while (s.next()) {
        assertThat(s.transferSyntaxUid()).isEqualTo(TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN);
        uids.add(s.sopInstanceUid());
        try (InputStream in = s.body()) {
          lengths.add(in.readAllBytes().length);
        }
      }
    }
    assertThat(uids).containsExactly("1.2.3.4.1", "1.2.3.4.2");
    assertThat(lengths).containsExactly(a.length, b.length);
    assertThat(server.takeRequest().getHeaders().get("Accept"))
        .isEqualTo("multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1");
  }

  @Test
  void wadoFallsBackToStoredSyntaxWhenTheServerCannotTranscode() throws Exception {
    server.enqueue(new MockResponse.Builder().code(406).build());
    server.enqueue(multipart("X", List.of(part10("1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.9", "1.2.840.10008.1.2.4.80")), true, "application/dicom"));

    try (InstanceStream s = client.retrieveSeries(STUDY, SERIES)) {
      assertThat(s.next()).isTrue();
      // No transfer-syntax parameter on the part: read from the File Meta Information.
      assertThat(s.transferSyntaxUid()).isEqualTo(TransferSyntaxes.JPEG_LS_LOSSLESS);
      assertThat(s.next()).isFalse();
    }
    server.takeRequest();
    assertThat(server.takeRequest().getHeaders().get("Accept")).endsWith("transfer-syntax=*");
  }

  @Test
  void truncatedWadoResponseFailsNamingThePart() throws Exception {
    byte[] a = part10("1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.1");
    server.enqueue(multipart("BND", List.of(a, a), false, "application/dicom"));

    try (InstanceStream s = client.retrieveSeries(STUDY, SERIES)) {
      assertThat(s.next()).isTrue();
      s.body().readAllBytes();
      assertThatThrownBy(() -> {
        while (s.next()) s.body().readAllBytes();
      }).isInstanceOf(DicomWebException.class).hasMessageContaining("part 2");
    }
  }

  @Test
  void unreadBytesAreSkippedByNext() throws Exception {
    List<byte[]> parts = List.of(part10("1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.1"), part10("1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.2"),
        part10("1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.3"));
    server.enqueue(multipart("B", parts, true, "application/dicom"));
    List<String> uids = new ArrayList<>();
    try (InstanceStream s = client.retrieveSeries(STUDY, SERIES)) {
      while (s.next()) {
        uids.add(s.sopInstanceUid());
        s.body().read(new byte[3]);
      }
    }
    assertThat(uids).containsExactly("1.2.3.4.1", "1.2.3.4.2", "1.2.3.4.3");
  }

  @Test
  void partsWithoutContentLengthAreFoundByTheirBoundaryEvenWithLookalikesInside() throws Exception {
    // Payloads that contain CRLF, "--" and a prefix of the delimiter must pass through unchanged.
    byte[] a = withTail(part10("1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.1"), "\r\n--BN\r\n--B");
    byte[] b = withTail(part10("1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.2"), "\r\n\r\n--");
    Buffer body = new Buffer().writeUtf8("preamble\r\n");
    for (byte[] p : List.of(a, b)) body.writeUtf8("--BND\r\nContent-Type: application/dicom\r\n\r\n").write(p).writeUtf8("\r\n");
    body.writeUtf8("--BND--\r\n");
    server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=BND").body(body).build());

    List<byte[]> got = new ArrayList<>();
    try (InstanceStream s = client.retrieveSeries(STUDY, SERIES)) {
      while (s.next()) got.add(s.body().readAllBytes());
    }
    assertThat(got).hasSize(2);
    assertThat(got.get(0)).isEqualTo(a);
    assertThat(got.get(1)).isEqualTo(b);
  }

  @Test
  void aContentLengthThatDisagreesWithTheBoundaryIsDetected() throws Exception {
    byte[] a = part10("1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.1");
    Buffer body = new Buffer().writeUtf8("--BND\r\nContent-Type: application/dicom\r\nContent-Length: " + (a.length - 10) + "\r\n\r\n")
        .write(a).writeUtf8("\r\n--BND--\r\n");
    server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=BND").body(body).build());

    try (InstanceStream s = client.retrieveSeries(STUDY, SERIES)) {
      assertThat(s.next()).isTrue();
      assertThatThrownBy(() -> s.body().readAllBytes()).isInstanceOf(DicomWebException.class).hasMessageContaining("part 1");
    }
  }

  @Test
  void bodyBytesReadsEachWholeInstanceWithOrWithoutContentLengthAndRefusesAShortPart() throws Exception {
    byte[] a = withTail(part10("1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.1"), "\r\n--BN\r\n--B");
    byte[] b = part10("1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.2");
    server.enqueue(multipart("BND", List.of(a, b), true, "application/dicom"));
    Buffer noLength = new Buffer();
    for (byte[] p : List.of(a, b)) noLength.writeUtf8("--BND\r\nContent-Type: application/dicom\r\n\r\n").write(p).writeUtf8("\r\n");
    noLength.writeUtf8("--BND--\r\n");
    server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=BND").body(noLength).build());
    for (int response = 0; response < 2; response++) {
      List<byte[]> got = new ArrayList<>();
      try (InstanceStream s = client.retrieveSeries(STUDY, SERIES)) {
        while (s.next()) got.add(s.bodyBytes());
      }
      assertThat(got).hasSize(2);
      assertThat(got.get(0)).isEqualTo(a);
      assertThat(got.get(1)).isEqualTo(b);
    }
    Buffer lying = new Buffer().writeUtf8("--BND\r\nContent-Type: application/dicom\r\nContent-Length: " + (b.length + 10) + "\r\n\r\n")
        .write(b).writeUtf8("\r\n--BND--\r\n");
    server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=BND").body(lying).build());
    try (InstanceStream s = client.retrieveSeries(STUDY, SERIES)) {
      assertThat(s.next()).isTrue();
      assertThatThrownBy(s::bodyBytes).isInstanceOf(DicomWebException.class).hasMessageContaining("part 1");
    }
  }

  private static byte[] withTail(byte[] head, String tail) {
    return new Buffer().write(head).writeUtf8(tail).readByteArray();
  }

  @Test
  void nonMultipartWadoAnswerIsATypedError() {
    server.enqueue(json("[]"));
    assertThatThrownBy(() -> client.retrieveSeries(STUDY, SERIES))
        .isInstanceOf(DicomWebException.class).hasMessageContaining("expected a multipart/related response");
  }

  @Test
  void stowOutcomesAreMappedToParts() throws Exception {
    String body = "{\"00081190\":{\"vr\":\"UR\",\"Value\":[\"http://x/studies/1.2.3\"]},"
        + "\"00081199\":{\"vr\":\"SQ\",\"Value\":[{\"00081150\":{\"vr\":\"UI\",\"Value\":[\"1.2.840.10008.5.1.4.1.1.2\"]},"
        + "\"00081155\":{\"vr\":\"UI\",\"Value\":[\"1.2.3.4.1\"]},\"00081196\":{\"vr\":\"US\",\"Value\":[45056]}}]},"
        + "\"00081198\":{\"vr\":\"SQ\",\"Value\":[{\"00081197\":{\"vr\":\"US\",\"Value\":[272]}}]}}";
    server.enqueue(new MockResponse.Builder().code(400).addHeader("Content-Type", "application/dicom+json").body(body).build());

    StowResult r = client.store(StowRequest.builder()
        .addBytes(part10("1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.1"), "good.dcm")
        .addBytes("not dicom at all".getBytes(StandardCharsets.US_ASCII), "garbage.bin")
        .build());

    assertThat(r.httpStatus()).isEqualTo(400);
    assertThat(r.allStored()).isFalse();
    assertThat(r.outcomes()).hasSize(2);
    assertThat(r.outcomes().get(0).status()).isEqualTo(StowOutcome.Status.STORED_WITH_WARNING);
    assertThat(r.outcomes().get(0).warningReason()).isEqualTo(0xB000);
    assertThat(r.outcomes().get(1).label()).isEqualTo("garbage.bin");
    assertThat(r.outcomes().get(1).status()).isEqualTo(StowOutcome.Status.FAILED);
    assertThat(r.outcomes().get(1).failureReason()).isEqualTo(0x0110);
    RecordedRequest req = server.takeRequest();
    assertThat(req.getHeaders().get("Content-Type")).startsWith("multipart/related; type=\"application/dicom\"; boundary=");
  }

  @Test
  void stowPartNotNamedInTheResponseIsNotReported() throws Exception {
    server.enqueue(json("{\"00081199\":{\"vr\":\"SQ\",\"Value\":[{\"00081155\":{\"vr\":\"UI\",\"Value\":[\"1.2.3.4.1\"]}}]}}"));
    StowResult r = client.store(StowRequest.builder()
        .addBytes(part10("1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.1"), "a")
        .addBytes(part10("1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.2"), "b").build());
    assertThat(r.outcomes()).extracting(StowOutcome::status).containsExactly(StowOutcome.Status.STORED, StowOutcome.Status.NOT_REPORTED);
    assertThat(r.allStored()).isFalse();
  }

  @Test
  void aFailingTokenSupplierIsATypedError() {
    DicomWebClient noToken = DicomWebClient.builder(server.url("/dicom-web").toString())
        .retryPolicy(RetryPolicy.none())
        .bearerToken(() -> {
          throw new IllegalStateException("keycloak unreachable");
        }).build();
    assertThatThrownBy(() -> noToken.search(QidoQuery.studies().build()))
        .isInstanceOfSatisfying(DicomWebException.class, e -> {
          assertThat(e.status()).isZero();
          assertThat(e.getMessage()).contains("bearer token supplier failed").contains("keycloak unreachable");
        });
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void credentialsInTheBaseUrlAreRefused() {
    assertThatThrownBy(() -> DicomWebClient.builder("http://user:pw@host/rs")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void malformedUidsNeverReachTheServer() {
    assertThatThrownBy(() -> client.retrieveSeries("1.2.3/../../admin", SERIES)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("StudyInstanceUID");
  }

  // ------------------------------------------------------------------ helpers

  private static MockResponse json(String body) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/dicom+json").body(body).build();
  }

  private static String instances(int from, int n) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = from; i < from + n; i++) {
      if (i > from) sb.append(',');
      sb.append("{\"00080018\":{\"vr\":\"UI\",\"Value\":[\"1.2.3.4.").append(i).append("\"]}}");
    }
    return sb.append(']').toString();
  }

  /** A WADO-RS style response; when not complete, the second part breaks off after 200 bytes with no closing boundary. */
  private static MockResponse multipart(String boundary, List<byte[]> parts, boolean complete, String partType) {
    Buffer b = complete ? new Buffer() : truncatedWithSecondPartHeader(boundary, parts.get(0), partType);
    if (complete) {
      for (byte[] p : parts) {
        b.writeUtf8("--" + boundary + "\r\nContent-Type: " + partType + "\r\nContent-Length: " + p.length + "\r\n\r\n");
        b.write(p);
        b.writeUtf8("\r\n");
      }
      b.writeUtf8("--" + boundary + "--\r\n");
    }
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary).body(b).build();
  }

  private static Buffer truncatedWithSecondPartHeader(String boundary, byte[] p, String partType) {
    Buffer b = new Buffer();
    b.writeUtf8("--" + boundary + "\r\nContent-Type: " + partType + "\r\n\r\n");
    b.write(p);
    b.writeUtf8("\r\n--" + boundary + "\r\nContent-Type: " + partType + "\r\n\r\n");
    b.write(p, 0, 200);
    return b;
  }

  static byte[] part10(String sopClass, String sopInstance) {
    return part10(sopClass, sopInstance, TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN);
  }

  /** A minimal Part-10 byte string: preamble, DICM, group 0002 with the three UIDs, then filler. */
  static byte[] part10(String sopClass, String sopInstance, String ts) {
    Buffer b = new Buffer();
    b.write(new byte[128]);
    b.writeUtf8("DICM");
    element(b, 0x0002, "UI", sopClass);
    element(b, 0x0003, "UI", sopInstance);
    element(b, 0x0010, "UI", ts);
    b.write(new byte[512]);
    return b.readByteArray();
  }

  private static void element(Buffer b, int el, String vr, String value) {
    byte[] v = value.getBytes(StandardCharsets.US_ASCII);
    int len = v.length + (v.length % 2);
    b.writeShortLe(0x0002).writeShortLe(el).writeUtf8(vr).writeShortLe(len).write(v);
    if (v.length % 2 == 1) b.writeByte(0);
  }
}
