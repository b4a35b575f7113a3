package org.secaimed.devtools.consortium;

import org.secaimed.connector.FailureMessages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secaimed.connector.gateway.GatewayProblemException;
import org.secaimed.connector.gateway.SubmittedTask;
import org.secaimed.connector.gateway.TaskSpec;
import org.secaimed.connector.party.UsagePolicy;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.devtools.enclave.DevEnclave;

/**
 * The attacks the consortium demo tries against its own enclave. Each counts as refused only
 * when the enclave answered with the problem type naming the expected rule **and** its counter
 * of opened inputs did not move (nothing was decrypted).
 */
final class Attacks {
  @FunctionalInterface
  interface Call {
    void run() throws Exception;
  }

  private final DevEnclave enclave;
  private final TaskReceipt.Algorithm alg;
  private final Map<String, Boolean> results = new LinkedHashMap<>();
  private final Map<String, String> details = new LinkedHashMap<>();

  Attacks(DevEnclave enclave, TaskReceipt.Algorithm alg) {
    this.enclave = enclave;
    this.alg = alg;
  }

  boolean refused(String name, String rule, Call call) {
    long opened = enclave.server().inputsOpened();
    boolean ok;
    try {
      call.run();
      ok = false;
      details.put(name, "ACCEPTED (not refused)");
    } catch (GatewayProblemException p) {
      ok = p.isType(rule);
      details.put(name, p.getMessage());
    } catch (Exception e) {
      ok = false;
      details.put(name, FailureMessages.of(e));
    }
    boolean nothingOpened = enclave.server().inputsOpened() == opened;
    if (!nothingOpened) details.put(name, details.get(name) + "; an input was opened");
    results.put(name, ok && nothingOpened);
    return ok && nothingOpened;
  }

  void tryAll(ConsortiumDemo.Site a, ConsortiumDemo.Site b, SubmittedTask training) throws Exception {
    ConsortiumDemo.Study own = ConsortiumDemo.upload(a, ConsortiumDemo.ownUse(a, alg, "segmentation"), ConsortiumDemo.phantom(400), false);
    refused("crossSiteTask", "submitter-not-allowed", () -> submit(b, own, ConsortiumDemo.PURPOSE, "attack-cross-site"));
    refused("unsignedRequest", "unsigned-request", () -> unsignedSubmit(own));
    refused("purposeNotAllowed", "purpose-not-allowed", () -> submit(a, own, "marketing", "attack-purpose"));
    UsagePolicy expired = UsagePolicy.builder(a.id()).purposes(ConsortiumDemo.PURPOSE).taskKinds("segmentation")
        .algorithm(alg.id(), alg.digest()).submitters(a.id()).recipients("segmentation", a.id())
        .notAfter(Instant.now().minus(Duration.ofMinutes(1))).build();
    ConsortiumDemo.Study old = ConsortiumDemo.upload(a, expired, ConsortiumDemo.phantom(401), false);
    refused("expiredPolicy", "policy-expired", () -> submit(a, old, ConsortiumDemo.PURPOSE, "attack-expired"));
    // The training inputs allowed one use: the pooled run spent it (a use entry in the log).
    refused("maxUsesExceeded", "max-uses-exceeded", () -> a.session().submit(a.enclave(), new TaskSpec("training", alg,
        training.spec().inputBlobIds(), training.spec().parameters(), Map.of(), ConsortiumDemo.PURPOSE), a.keys().publicKey(),
        "attack-train-again"));
    ConsortiumDemo.Study revoked = ConsortiumDemo.upload(a, ConsortiumDemo.ownUse(a, alg, "segmentation"), ConsortiumDemo.phantom(402), false);
    a.session().revoke(a.enclave(), revoked.blob().usagePolicyDigest());
    refused("revokedConsent", "consent-revoked", () -> submit(a, revoked, ConsortiumDemo.PURPOSE, "attack-revoked"));
    refused("crossSiteRead", "not-task-owner", () -> b.session().client().downloadResult(training.taskId(), java.io.OutputStream.nullOutputStream()));
  }

  private void submit(ConsortiumDemo.Site s, ConsortiumDemo.Study study, String purpose, String key) throws Exception {
    s.session().submit(s.enclave(), new TaskSpec("segmentation", alg, List.of(study.blob().blobId()), Map.of(), Map.of(), purpose),
        s.keys().publicKey(), key);
  }

  /** The same task body an honest site would send, without its signature: what anyone on the network can try. */
  private void unsignedSubmit(ConsortiumDemo.Study study) throws Exception {
    String body = "{\"kind\":\"segmentation\",\"algorithm\":{\"id\":\"" + alg.id() + "\",\"version\":\"" + alg.version() + "\",\"digest\":\""
        + alg.digest() + "\"},\"inputs\":[\"" + study.blob().blobId() + "\"],\"purpose\":\"" + ConsortiumDemo.PURPOSE + "\"}";
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(enclave.baseUrl() + "/v1/tasks"))
        .header("Content-Type", "application/json").header("Idempotency-Key", "attack-unsigned-1")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 == 2) return;
    String type = r.body().replaceAll("(?s).*\"type\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    throw new GatewayProblemException("submit task", type, r.statusCode(), "refused", r.body());
  }

  Map<String, Boolean> results() {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(results));
  }

  Map<String, String> details() {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }
}
