package org.secaimed.devtools.consortium;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14, consortium acceptance: two sites pool data for one training run, each verifies its
 * own part of the receipt and segments with the model, a non-contributor evaluates it (metrics
 * only, and may not segment with it), and every attack is refused with nothing opened.
 */
class ConsortiumDemoTest {
  @TempDir Path tmp;

  @Test
  void twoSitesTrainTogetherEachVerifiesItsPartAndEveryAttackIsRefused() throws Exception {
    ConsortiumDemo.Result r = new ConsortiumDemo(tmp, 2, new PrintStream(OutputStream.nullOutputStream())).run();
    assertThat(r.training().contributors()).isEqualTo(2);
    assertThat(r.training().receiptsVerified()).isEqualTo(2);
    assertThat(r.training().modelPolicyDigest()).matches("[0-9a-f]{64}");
    assertThat(r.sites()).hasSize(2).allSatisfy(s -> {
      assertThat(s.receiptVerified()).isTrue();
      assertThat(s.useNumber()).isEqualTo(1L);
      assertThat(s.dice().values()).allSatisfy(d -> assertThat(d).isGreaterThan(0.9));
    });
    assertThat(r.evaluation().metrics()).isNotEmpty();
    assertThat(r.evaluation().segmentationWithModelRefused()).isTrue();
    assertThat(r.refusals()).containsKeys("crossSiteTask", "unsignedRequest", "purposeNotAllowed", "expiredPolicy", "maxUsesExceeded",
        "revokedConsent").allSatisfy((k, v) -> assertThat(v).as(k + ": " + r.refusalDetails().get(k)).isTrue());
  }
}
