package org.secaimed.enclave.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.secaimed.enclave.server.algorithms.Algorithm;
import org.secaimed.enclave.server.algorithms.AlgorithmCatalogue;
import org.secaimed.enclave.server.algorithms.AlgorithmDescriptor;
import org.secaimed.enclave.server.algorithms.AlgorithmException;
import org.secaimed.enclave.server.algorithms.AlgorithmRunner;
import org.secaimed.enclave.server.algorithms.Parameters;
import org.secaimed.enclave.server.algorithms.ProgressListener;
import org.secaimed.enclave.server.algorithms.Segmenter;
import org.secaimed.enclave.server.algorithms.TaskKind;
import org.secaimed.enclave.server.algorithms.TaskOutcome;
import org.secaimed.enclave.server.algorithms.TaskRequest;
import org.secaimed.dicom.exchange.InstanceRecord;

/**
 * Test double for the gateway protocol tests: an "algorithm" that reads every decrypted input and
 * writes their SHA-256 and length as the result. Parameters: {@code delayMillis} (interruptible),
 * {@code fail=true}, {@code exhaust=memory|stack} (the error wrapped, as a parallel step throws it). The real algorithms are exercised end to end in the tests module.
 */
final class EchoDigestRunner implements AlgorithmRunner {
  static final AlgorithmDescriptor DESCRIPTOR = new AlgorithmDescriptor("test-echo-digest", "1.0.0", "sha256:" + "e0".repeat(32),
      Set.of(TaskKind.SEGMENTATION, TaskKind.TRAINING, TaskKind.EVALUATION), "OT", List.of(), "test double: digests of the inputs");

  private final AlgorithmCatalogue catalogue = new AlgorithmCatalogue(List.of(new Algorithm() {
    @Override
    public AlgorithmDescriptor descriptor() {
      return DESCRIPTOR;
    }

    @Override
    public Set<String> parameterNames() {
      return Set.of("delayMillis", "fail", "exhaust");
    }

    @Override
    public Segmenter segmenter(Parameters parameters) throws AlgorithmException {
      throw new AlgorithmException(AlgorithmException.Reason.UNSUPPORTED_TASK_KIND, "kind", "test double");
    }
  }));

  @Override
  public AlgorithmCatalogue catalogue() {
    return catalogue;
  }

  @Override
  public TaskOutcome run(TaskRequest request, List<InputStream> inputs, OutputStream sink, ProgressListener progress)
      throws AlgorithmException {
    catalogue.resolve(request);
    Parameters p = new Parameters(request.parameters());
    try {
      Thread.sleep(p.integer("delayMillis", 0, 0, 60_000));
    } catch (InterruptedException e) {
      throw new AlgorithmException(AlgorithmException.Reason.CANCELLED, null, "task cancelled");
    }
    if ("true".equals(p.string("fail", "false"))) throw new AlgorithmException(AlgorithmException.Reason.BAD_INPUT, "inputs", "asked to fail");
    // As a parallel step of a real algorithm fails when its input is too large: the error arrives
    // wrapped, as CompletableFuture.join wraps what another thread threw.
    switch (p.string("exhaust", "")) {
      case "memory" -> throw new java.util.concurrent.CompletionException(new OutOfMemoryError("Java heap space"));
      case "stack" -> throw new java.util.concurrent.CompletionException(new StackOverflowError());
      default -> {}
    }
    try {
      StringBuilder out = new StringBuilder("[");
      List<List<InstanceRecord>> instances = new ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        long n = 0;
        byte[] buf = new byte[65536];
        int r;
        while ((r = inputs.get(i).read(buf)) >= 0) {
          md.update(buf, 0, r);
          n += r;
        }
        String hex = HexFormat.of().formatHex(md.digest());
        out.append(i == 0 ? "" : ",").append("{\"sha256\":\"").append(hex).append("\",\"length\":").append(n).append('}');
        instances.add(List.of(new InstanceRecord("1.2.826.0.1." + (i + 1), hex, n)));
        progress.progress("digest", (i + 1.0) / inputs.size());
      }
      byte[] result = out.append(']').toString().getBytes(StandardCharsets.UTF_8);
      sink.write(result);
      sink.close();
      String resultSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(result));
      return new TaskOutcome(request.kind(), DESCRIPTOR.ref(), instances, List.of(), null, resultSha, result.length);
    } catch (IOException e) {
      throw new AlgorithmException(AlgorithmException.Reason.BAD_INPUT, "inputs", "cannot read input: " + e.getMessage(), e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
