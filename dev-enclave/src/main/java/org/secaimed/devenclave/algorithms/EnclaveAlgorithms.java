package org.secaimed.devenclave.algorithms;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.secaimed.devenclave.algorithms.classifier.VoxelClassifier;
import org.secaimed.devenclave.algorithms.ct.CtBodyLungsBone;
import org.secaimed.devenclave.algorithms.models.ModelStore;

/**
 * The one place that assembles the dev enclave's algorithms. The gateway calls {@link #hosted(Path)}
 * for its task service ({@code DevEnclave.Config.algorithms}); tests and tools may use the
 * {@link #runner(Path)} directly.
 */
public final class EnclaveAlgorithms {
  private EnclaveAlgorithms() {}

  /**
   * The runner with every built-in algorithm; trained models live in {@code modelDirectory} (inside
   * the gateway's state directory, so they survive restarts).
   */
  public static AlgorithmRunner runner(Path modelDirectory) throws IOException {
    ModelStore models = new ModelStore(modelDirectory);
    List<Algorithm> algorithms = new ArrayList<>();
    algorithms.add(new CtBodyLungsBone());
    algorithms.add(new VoxelClassifier(models));
    return new DefaultAlgorithmRunner(new AlgorithmCatalogue(algorithms), models);
  }
}
