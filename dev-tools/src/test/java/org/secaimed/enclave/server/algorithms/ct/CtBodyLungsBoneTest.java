package org.secaimed.enclave.server.algorithms.ct;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.secaimed.enclave.server.algorithms.AlgorithmException;
import org.secaimed.enclave.server.algorithms.Parameters;
import org.secaimed.enclave.server.algorithms.ProgressListener;
import org.secaimed.enclave.server.algorithms.Segmentation;
import org.secaimed.enclave.server.algorithms.metrics.OverlapMetrics;
import org.secaimed.devtools.phantom.CtPhantom;
import org.secaimed.dicom.volume.LabelVolume;

class CtBodyLungsBoneTest {

  @Test
  void segmentsBodyLungsAndBoneOfThePhantomWithDiceAbove095() throws Exception {
    CtPhantom phantom = CtPhantom.builder().size(256, 256, 80).seed(11).build();
    LabelVolume truth = phantom.truth();
    Segmentation s = new CtBodyLungsBone().segmenter(new Parameters(Map.of())).segment(phantom.image(), ProgressListener.NONE);

    for (int label : new int[] {CtPhantom.BODY, CtPhantom.LUNG, CtPhantom.BONE}) {
      double dice = OverlapMetrics.dice(s.labels().labels(), label, truth.labels(), label);
      System.out.printf("label %d dice %.4f%n", label, dice);
      assertThat(dice).as("Dice of label %d", label).isGreaterThanOrEqualTo(0.95);
    }
    assertThat(s.segments()).extracting(d -> d.type().value()).containsExactly("38266002", "39607008", "272673000");
  }

  @Test
  void excludesTheTableAndOutsideAir() throws Exception {
    CtPhantom phantom = CtPhantom.builder().size(128, 128, 20).seed(3).build();
    Segmentation s = new CtBodyLungsBone().segmenter(new Parameters(Map.of())).segment(phantom.image(), ProgressListener.NONE);
    byte[] truth = phantom.truth().labels();
    long falseForeground = 0;
    for (int i = 0; i < truth.length; i++) if (truth[i] == 0 && s.labels().labels()[i] != 0) falseForeground++;
    // Without the largest-component step the table alone would be ~4% of all voxels.
    assertThat((double) falseForeground / truth.length).isLessThan(0.002);
  }

  @Test
  void rejectsOutOfRangeParametersByName() {
    assertThatThrownBy(() -> new CtBodyLungsBone().segmenter(new Parameters(Map.of("boneHu", "lots"))))
        .isInstanceOfSatisfying(AlgorithmException.class, e -> {
          assertThat(e.reason()).isEqualTo(AlgorithmException.Reason.BAD_PARAMETER);
          assertThat(e.subject()).isEqualTo("parameters.boneHu");
        });
  }
}
