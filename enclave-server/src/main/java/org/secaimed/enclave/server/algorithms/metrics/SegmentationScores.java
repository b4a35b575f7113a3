package org.secaimed.enclave.server.algorithms.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secaimed.enclave.server.algorithms.AlgorithmException;
import org.secaimed.enclave.server.algorithms.AlgorithmException.Reason;
import org.secaimed.enclave.server.algorithms.Segmentation;
import org.secaimed.enclave.server.algorithms.input.ReferenceLabels;
import org.secaimed.dicom.exchange.Metric;
import org.secaimed.dicom.seg.SegmentDescription;

/**
 * Scores a segmentation against a reference. Segments are matched by their SegmentedPropertyType
 * code (scheme + value), not by number, because the two sides number independently. Metrics carry
 * the reference's segment number.
 */
public final class SegmentationScores {
  private SegmentationScores() {}

  public static List<Metric> score(Segmentation predicted, ReferenceLabels reference, String caseName) throws AlgorithmException {
    List<Metric> out = new ArrayList<>();
    byte[] p = predicted.labels().labels(), r = reference.labels().labels();
    for (SegmentDescription ref : reference.segments()) {
      SegmentDescription match = null;
      for (SegmentDescription s : predicted.segments()) {
        if (s.type().value().equals(ref.type().value()) && s.type().scheme().equals(ref.type().scheme())) match = s;
      }
      if (match == null) continue;
      out.add(Metric.segment("dice", ref.number(), OverlapMetrics.dice(p, match.number(), r, ref.number()), null));
      double hd = OverlapMetrics.hausdorff95(predicted.labels().geometry(), p, match.number(), r, ref.number());
      if (!Double.isNaN(hd)) out.add(Metric.segment("hausdorff95", ref.number(), hd, "mm"));
    }
    if (out.isEmpty()) {
      throw new AlgorithmException(Reason.BAD_INPUT, caseName, "the reference SEG has no segment type this algorithm produces");
    }
    return out;
  }

  /** Mean of each (name, segment) over cases, plus the worst-case Dice per segment and the case count. */
  public static List<Metric> aggregate(List<List<Metric>> perCase) {
    Map<String, double[]> sums = new LinkedHashMap<>();
    Map<Integer, Double> minDice = new LinkedHashMap<>();
    Map<String, Metric> proto = new LinkedHashMap<>();
    for (List<Metric> c : perCase) {
      for (Metric m : c) {
        String key = m.name() + "#" + m.segment();
        sums.computeIfAbsent(key, k -> new double[2]);
        sums.get(key)[0] += m.value();
        sums.get(key)[1]++;
        proto.putIfAbsent(key, m);
        if (m.name().equals("dice")) minDice.merge(m.segment(), m.value(), Math::min);
      }
    }
    List<Metric> out = new ArrayList<>();
    for (Map.Entry<String, double[]> e : sums.entrySet()) {
      Metric m = proto.get(e.getKey());
      out.add(new Metric(m.name(), m.segment(), e.getValue()[0] / e.getValue()[1], m.unit()));
    }
    minDice.forEach((segment, v) -> out.add(Metric.segment("dice.min", segment, v, null)));
    out.add(Metric.task("cases", perCase.size(), null));
    return out;
  }
}
