package org.secaimed.enclave.server.algorithms;

import java.util.List;
import java.util.Set;
import org.secaimed.dicom.exchange.AlgorithmRef;
import org.secaimed.dicom.seg.SegmentDescription;

/**
 * One catalogue entry (GET /v1/algorithms): what the algorithm is, which task kinds it serves, which
 * modality it reads and which segments it writes. {@code digest} is the SHA-256 of its code (or, for
 * {@code command}, of the configured program and arguments).
 */
public record AlgorithmDescriptor(
    String id,
    String version,
    String digest,
    Set<TaskKind> taskKinds,
    String inputModality,
    List<SegmentDescription> outputSegments,
    String description) {
  public AlgorithmDescriptor {
    ref(id, version, digest); // validates
    taskKinds = Set.copyOf(taskKinds);
    outputSegments = List.copyOf(outputSegments);
  }

  public AlgorithmRef ref() {
    return ref(id, version, digest);
  }

  private static AlgorithmRef ref(String id, String version, String digest) {
    return new AlgorithmRef(id, version, digest);
  }
}
