package org.secaimed.enclave.server.usage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.secaimed.connector.party.ModelPolicy;
import org.secaimed.connector.party.UsagePolicy;
import org.secaimed.enclave.server.state.StateDir;

/**
 * The derived usage policy of every model trained in this enclave ({@code model-policies/<id>.json}),
 * written before the training task's receipt is signed, so no model exists without one.
 */
public final class ModelPolicies {
  private final StateDir state;
  private final Path dir;

  public ModelPolicies(StateDir state) throws IOException {
    this.state = state;
    this.dir = Files.createDirectories(state.root().resolve("model-policies"));
  }

  public ModelPolicy record(String modelId, String modelDigest, String taskId, List<UsagePolicy> inputs) throws IOException {
    ModelPolicy p = ModelPolicy.derive(modelId, modelDigest, taskId, inputs);
    state.writeJson(file(modelId), p);
    return p;
  }

  public Optional<ModelPolicy> get(String modelId) throws IOException {
    Path f = file(modelId);
    return Files.exists(f) ? Optional.of(state.readJson(f, ModelPolicy.class)) : Optional.empty();
  }

  /** Whether {@code modelId} could name a stored model (and is safe as a file name). */
  public static boolean isWellFormed(String modelId) {
    return modelId != null && modelId.matches("[A-Za-z0-9._-]{1,128}") && !modelId.equals(".") && !modelId.equals("..");
  }

  private Path file(String modelId) {
    if (!isWellFormed(modelId)) throw new IllegalArgumentException("model id");
    return dir.resolve(modelId + ".json");
  }
}
