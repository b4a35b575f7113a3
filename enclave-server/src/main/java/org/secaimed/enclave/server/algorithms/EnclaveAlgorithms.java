package org.secaimed.enclave.server.algorithms;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.secaimed.enclave.server.algorithms.classifier.VoxelClassifier;
import org.secaimed.enclave.server.algorithms.command.CommandAlgorithm;
import org.secaimed.enclave.server.algorithms.ct.CtBodyLungsBone;
import org.secaimed.enclave.server.algorithms.models.ModelStore;
import org.secaimed.enclave.server.algorithms.onnx.OnnxAlgorithm;
import org.secaimed.onnx.OnnxSegmentationModel;

/** The one place that assembles the dev enclave's algorithms; the gateway's task service calls {@link #runner(Path)}. */
public final class EnclaveAlgorithms {
  private EnclaveAlgorithms() {}

  /**
   * The runner with every built-in algorithm; trained models live in {@code modelDirectory} (inside
   * the gateway's state directory, so they survive restarts).
   */
  public static AlgorithmRunner runner(Path modelDirectory) throws IOException {
    return runner(modelDirectory, List.of());
  }

  /**
   * The built-in algorithms plus site-configured external programs ({@code command}), each listed in
   * the catalogue under its own id with the digest of its program and configuration.
   */
  public static AlgorithmRunner runner(Path modelDirectory, List<CommandAlgorithm.Config> commands) throws IOException {
    return runner(modelDirectory, commands, List.of());
  }

  /**
   * As {@link #runner(Path, List)}, plus providers' models already loaded into ONNX Runtime, each
   * listed under its manifest's id and version with the digest of its bytes.
   */
  public static AlgorithmRunner runner(Path modelDirectory, List<CommandAlgorithm.Config> commands, List<OnnxSegmentationModel> providerModels)
      throws IOException {
    // Only the development tooling builds runners without naming a provider; its lines must say INSECURE.
    return runner(modelDirectory, commands, providerModels, "INSECURE dev enclave: ");
  }

  /** As above, logging with the evidence provider's {@code logPrefix}. */
  public static AlgorithmRunner runner(Path modelDirectory, List<CommandAlgorithm.Config> commands, List<OnnxSegmentationModel> providerModels,
      String logPrefix) throws IOException {
    ModelStore models = new ModelStore(modelDirectory);
    List<Algorithm> algorithms = new ArrayList<>();
    algorithms.add(new CtBodyLungsBone());
    algorithms.add(new VoxelClassifier(models));
    for (CommandAlgorithm.Config c : commands) algorithms.add(new CommandAlgorithm(c, logPrefix));
    for (OnnxSegmentationModel m : providerModels) algorithms.add(new OnnxAlgorithm(m, models));
    return new DefaultAlgorithmRunner(new AlgorithmCatalogue(algorithms), models);
  }

  /**
   * The runner for one task on a provider's published model, unwrapped for that task only: the
   * model is its only algorithm; fine-tuned heads are kept in {@code modelDirectory} like trained models.
   */
  public static AlgorithmRunner licensed(OnnxSegmentationModel model, Path modelDirectory) throws IOException {
    ModelStore models = new ModelStore(modelDirectory);
    return new DefaultAlgorithmRunner(new AlgorithmCatalogue(List.of(new OnnxAlgorithm(model, models))), models);
  }
}
