package org.secaimed.enclave.server.algorithms;

import java.util.List;
import java.util.Set;

/**
 * An algorithm the enclave offers. Every algorithm can segment (given its parameters, e.g. which
 * model); trainable ones can also learn from image + reference pairs. Evaluation is generic: the
 * runner segments each case and scores it against the reference.
 */
public interface Algorithm {
  AlgorithmDescriptor descriptor();

  /** Parameter names this algorithm accepts (the runner adds its own, e.g. {@code series}). */
  Set<String> parameterNames();

  /** A segmenter configured by {@code parameters}; fails with BAD_PARAMETER or UNKNOWN_MODEL. */
  Segmenter segmenter(Parameters parameters) throws AlgorithmException;

  /** Learns a model; only algorithms whose descriptor lists TRAINING override this. */
  default TrainedModel train(List<TrainingCase> cases, Parameters parameters, ProgressListener progress) throws AlgorithmException {
    throw new AlgorithmException(AlgorithmException.Reason.UNSUPPORTED_TASK_KIND, "kind", descriptor().id() + " cannot be trained");
  }
}
