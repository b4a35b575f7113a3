package org.secaimed.devenclave.algorithms;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secaimed.devenclave.task.AlgorithmInfo;
import org.secaimed.devenclave.task.TaskContext;
import org.secaimed.dicom.exchange.InstanceRecord;
import org.secaimed.dicom.seg.SegmentDescription;

/**
 * One catalogue entry of an {@link AlgorithmRunner}, in the shape the gateway's task service hosts
 * ({@link org.secaimed.devenclave.task.Algorithm}): opens the decrypted inputs, runs the task,
 * reports the per-instance SHA-256 for the receipt, and maps failures to the host's exception with
 * the reason and subject in the message (never pixel data or patient attributes).
 */
public final class HostedAlgorithm implements org.secaimed.devenclave.task.Algorithm {
  private final AlgorithmRunner runner;
  private final AlgorithmDescriptor descriptor;

  public HostedAlgorithm(AlgorithmRunner runner, AlgorithmDescriptor descriptor) {
    this.runner = runner;
    this.descriptor = descriptor;
  }

  @Override
  public AlgorithmInfo info() {
    List<AlgorithmInfo.Segment> segments = new ArrayList<>();
    for (SegmentDescription s : descriptor.outputSegments()) {
      segments.add(new AlgorithmInfo.Segment(s.number(), s.label(), code(s.category()), code(s.type())));
    }
    return new AlgorithmInfo(descriptor.id(), descriptor.version(), descriptor.digest(),
        descriptor.taskKinds().stream().sorted().map(TaskKind::wireName).toList(), descriptor.inputModality(), descriptor.description(), segments);
  }

  @Override
  public void run(TaskContext context) throws Exception {
    List<InputStream> inputs = new ArrayList<>();
    try {
      for (TaskContext.Input input : context.inputs()) inputs.add(input.open());
      Map<String, Object> parameters = new LinkedHashMap<>(context.parameters());
      TaskRequest request = new TaskRequest(TaskKind.fromWireName(context.kind()), descriptor.id(), descriptor.version(), descriptor.digest(), parameters);
      TaskOutcome outcome = Cancellation.runWith(context::cancelled,
          () -> runner.run(request, inputs, context.result(), (step, fraction) -> context.progress(fraction)));
      for (int i = 0; i < context.inputs().size(); i++) {
        Map<String, String> seen = new LinkedHashMap<>();
        for (InstanceRecord r : outcome.inputInstances().get(i)) seen.put(r.sopInstanceUid(), r.sha256());
        context.inputs().get(i).recordInstances(seen);
      }
    } catch (AlgorithmException e) {
      throw new org.secaimed.devenclave.task.AlgorithmException(e.getMessage(), e);
    } finally {
      for (InputStream in : inputs) {
        try {
          in.close();
        } catch (IOException ignored) {
          // the task's outcome is already decided; a close failure on a read stream changes nothing
        }
      }
    }
  }

  private static AlgorithmInfo.Code code(org.secaimed.dicom.seg.CodedConcept c) {
    return new AlgorithmInfo.Code(c.scheme(), c.value(), c.meaning());
  }
}
