package org.secaimed.dicom.pipeline;

import org.secaimed.connector.gateway.GatewayException;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.dicom.pipeline.PipelineException.Step;

/** Step 1: what the job runs. The series come from the caller; the algorithm from the gateway's catalogue. */
final class ResolveStep {
  private ResolveStep() {}

  /** The digest found in the catalogue is what the receipt must name; the catalogue is not trusted beyond that. */
  static TaskReceipt.Algorithm algorithm(GatewaySession gateway, String algorithmId, String version)
      throws GatewayException, PipelineException {
    for (var a : gateway.client().algorithms()) {
      if (algorithmId.equals(a.getId()) && (version == null || version.equals(a.getVersion()))) {
        return new TaskReceipt.Algorithm(a.getId(), a.getVersion(), a.getDigest());
      }
    }
    throw new PipelineException(Step.RESOLVE, algorithmId, "the gateway offers no algorithm '" + algorithmId + "'"
        + (version == null ? "" : " version " + version));
  }

  static void cohortKind(String kind) {
    if (!"training".equals(kind) && !"evaluation".equals(kind)) {
      throw new IllegalArgumentException("runCohort runs training or evaluation, not " + kind);
    }
  }
}
