package org.secaimed.enclave.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secaimed.connector.gateway.SubmittedTask;
import org.secaimed.connector.gateway.TaskSpec;
import org.secaimed.connector.gateway.UploadedBlob;
import org.secaimed.connector.gateway.VerifiedResult;
import org.secaimed.connector.receipt.ReceiptVerifier;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.devtools.enclave.DevEnclave;
import org.secaimed.enclave.server.http.EchoSites.Site;

/**
 * Fetching a verified result costs a site few round trips to a remote enclave: waiting for the task
 * is a long poll, the receipt is asked for while the result downloads, and the consistency proof
 * while the inclusion proof is fetched; everything is verified as before. Slow answers are simulated here by holding the result and the
 * inclusion proof for a moment; the test checks the order of requests, not any time.
 */
class ResultRoundTripsTest {
  private static final TaskReceipt.Algorithm ECHO = new TaskReceipt.Algorithm(EchoDigestRunner.DESCRIPTOR.id(),
      EchoDigestRunner.DESCRIPTOR.version(), EchoDigestRunner.DESCRIPTOR.digest());
  private static final long HOLD_MILLIS = 300;

  @TempDir Path tmp;
  private DevEnclave enclave;
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws Exception {
    enclave = EchoSites.startEnclave(tmp.resolve("state"));
  }

  @AfterEach
  void stop() {
    enclave.close();
  }

  private OkHttpClient recording() {
    return new OkHttpClient.Builder().addInterceptor(chain -> {
      String path = chain.request().url().encodedPath();
      String call = path.endsWith("/result") ? "result" : path.endsWith("/receipt") ? "receipt"
          : path.endsWith("/proof/inclusion") ? "inclusion" : path.endsWith("/proof/consistency") ? "consistency" : null;
      if (call == null) return chain.proceed(chain.request());
      events.add(call + " asked");
      if (call.equals("result") || call.equals("inclusion")) {
        try {
          Thread.sleep(HOLD_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      okhttp3.Response r = chain.proceed(chain.request());
      events.add(call + " answered");
      return r;
    }).build();
  }

  /**
   * Waiting for a task is a long poll: the enclave answers when the task changes, so a site asks a
   * handful of times however long the task runs (polling every 20 ms, a 1.5 s task took about 75 asks).
   */
  @Test
  void waitingForATaskAsksOnlyWhenItChanges() throws Exception {
    List<String> asks = Collections.synchronizedList(new ArrayList<>());
    OkHttpClient counting = new OkHttpClient.Builder().addInterceptor(chain -> {
      if (chain.request().method().equals("GET") && chain.request().url().encodedPath().matches("/v1/tasks/task-[0-9a-f]+")) {
        asks.add(String.valueOf(chain.request().url().queryParameter("waitMillis")));
      }
      return chain.proceed(chain.request());
    }).build();
    Site a = EchoSites.site(enclave, tmp, "a", 64 * 1024, counting);
    UploadedBlob blob = a.session().sealAndUpload(a.enclave(), out -> out.write(new byte[1000]));
    SubmittedTask task = a.session().submit(a.enclave(), new TaskSpec("segmentation", ECHO, List.of(blob.blobId()),
        Map.of("delayMillis", "1500"), Map.of()), a.keys().publicKey(), "long-poll-1");
    assertThat(a.session().await(task, Duration.ofSeconds(30), null).getState().getValue()).isEqualTo("succeeded");
    assertThat(asks).as(asks.toString()).hasSizeBetween(1, 8).allMatch(w -> !w.equals("null"));
  }

  @Test
  void theReceiptTravelsBesideTheResultAndTheProofsBesideEachOther() throws Exception {
    Site a = EchoSites.site(enclave, tmp, "a", 64 * 1024, recording());
    UploadedBlob blob = a.session().sealAndUpload(a.enclave(), out -> out.write(new byte[200_000]));
    TaskSpec spec = new TaskSpec("segmentation", ECHO, List.of(blob.blobId()), Map.of(), Map.of());
    SubmittedTask first = a.session().submit(a.enclave(), spec, a.keys().publicKey(), "round-trips-1");
    a.session().await(first, Duration.ofSeconds(30), null);
    try (VerifiedResult r = a.session().fetchVerified(a.enclave(), first)) {
      assertThat(r.receipt().taskId()).isEqualTo(first.taskId());
    }
    assertThat(events.indexOf("receipt asked")).as(events.toString()).isLessThan(events.indexOf("result answered"));

    // The second result needs a consistency proof from the checkpoint the site stored after the first.
    events.clear();
    SubmittedTask second = a.session().submit(a.enclave(), spec, a.keys().publicKey(), "round-trips-2");
    a.session().await(second, Duration.ofSeconds(30), null);
    try (VerifiedResult r = a.session().fetchVerified(a.enclave(), second)) {
      assertThat(r.bundle().consistency()).isNotNull();
      assertThat(ReceiptVerifier.verify(r.bundle(), r.bundle().consistency().fromCheckpoint()).consistencyChecked()).isTrue();
    }
    assertThat(events).contains("consistency asked", "inclusion answered");
    assertThat(events.indexOf("consistency asked")).as(events.toString()).isLessThan(events.indexOf("inclusion answered"));
  }
}
