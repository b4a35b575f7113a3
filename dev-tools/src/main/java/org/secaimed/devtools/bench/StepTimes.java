package org.secaimed.devtools.bench;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import org.secaimed.dicom.pipeline.PipelineException.Step;
import org.secaimed.dicom.pipeline.PipelineListener;

/**
 * Wall seconds each pipeline step took, summed over every series of a phase (each worker runs on
 * its own thread, so a step's start and end are paired per thread). Put beside the one-series
 * figures, the cohort's per-series step times say which step stretches when K series share the
 * cores. A step is named by how it starts: {@code SEAL} covers pull, seal and upload. Bench only.
 */
final class StepTimes implements PipelineListener {
  private final Map<Step, DoubleAdder> seconds = new ConcurrentHashMap<>();
  private final ThreadLocal<Step> current = new ThreadLocal<>();
  private final ThreadLocal<Long> startedAt = new ThreadLocal<>();

  @Override
  public void stepStarted(Step step, String detail) {
    current.set(step);
    startedAt.set(System.nanoTime());
  }

  @Override
  public void stepFinished(Step step, String detail) {
    Step s = current.get();
    if (s == null) return;
    seconds.computeIfAbsent(s, x -> new DoubleAdder()).add((System.nanoTime() - startedAt.get()) / 1e9);
    current.remove();
  }

  /** Mean seconds per series for each step seen, in pipeline order, plus "other" (the record step and gaps between steps). */
  Map<String, Double> perSeries(int series, double seriesSeconds) {
    Map<Step, Double> sorted = new EnumMap<>(Step.class);
    seconds.forEach((k, v) -> sorted.put(k, v.sum() / series));
    Map<String, Double> out = new LinkedHashMap<>();
    double steps = 0;
    for (var e : sorted.entrySet()) {
      out.put(e.getKey().name().toLowerCase(java.util.Locale.ROOT), e.getValue());
      steps += e.getValue();
    }
    out.put("other", Math.max(0, seriesSeconds - steps));
    return out;
  }
}
