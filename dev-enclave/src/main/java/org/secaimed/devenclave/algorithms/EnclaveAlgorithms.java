package org.secaimed.devenclave.algorithms;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.secaimed.devenclave.algorithms.ct.CtBodyLungsBone;
import org.secaimed.devenclave.algorithms.models.ModelStore;

/** The one place that assembles the dev enclave's algorithms: call {@link #runner(Path)} from the gateway. */
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
    return new DefaultAlgorithmRunner(new AlgorithmCatalogue(algorithms), models);
  }
}
