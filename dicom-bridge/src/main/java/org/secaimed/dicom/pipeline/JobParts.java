package org.secaimed.dicom.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.secaimed.connector.gateway.GatewaySession;
import org.secaimed.connector.provenance.SealedInputs;
import org.secaimed.connector.receipt.TaskReceipt;
import org.secaimed.connector.seal.KemKeyPair;
import org.secaimed.dicom.seg.SegmentationType;

/**
 * What every step of a job is given: the parts plugged in by the operator or the demo, fixed for the
 * job. {@code sealedInputs} (optional) is the site's record of what it sealed, for
 * {@code secaimed provenance study}. {@code streamedIngest}: a segmentation's task is submitted
 * against the upload and reads the series while it arrives (protocol v2 sessions; decision 24).
 */
record JobParts(GatewaySession gateway, KemKeyPair siteKey, SeriesSource source, SegDestination destination,
    TaskReceipt.Algorithm algorithm, Map<String, String> parameters, Duration taskTimeout, SegmentationType segType,
    Clock clock, PipelineListener listener, SealedInputs sealedInputs, boolean streamedIngest) {

  JobParts {
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(siteKey, "siteKey");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(algorithm, "algorithm");
    parameters = Map.copyOf(parameters);
    Objects.requireNonNull(taskTimeout, "taskTimeout");
    Objects.requireNonNull(segType, "segType");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(listener, "listener");
  }
}
