package org.secaimed.connector.attest.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.secaimed.connector.attest.verify.Vectors;

/**
 * Jazzer fuzz targets for every evidence parser and verifier. {@code mvn test} runs them in
 * regression mode (the empty input plus any inputs under src/test/resources/.../…Inputs/);
 * {@code JAZZER_FUZZ=1 mvn -pl enclave-connector test -Dtest='EvidenceParsersFuzzTest#snpReport'}
 * fuzzes one target for its maxDuration.
 */
class EvidenceParsersFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void snpReport(byte[] data) {
    EvidenceFuzzTargets.snpReport(data);
    EvidenceFuzzTargets.verifySplit("sev-snp", data);
  }

  @FuzzTest(maxDuration = "60s")
  void azureHcl(byte[] data) {
    EvidenceFuzzTargets.azureHcl(data);
    EvidenceFuzzTargets.verifySplit("azure-snp-hcl", data);
  }

  @FuzzTest(maxDuration = "60s")
  void dcapQuote(byte[] data) {
    EvidenceFuzzTargets.dcapQuote(data);
    EvidenceFuzzTargets.verifySplit("tdx", data);
    EvidenceFuzzTargets.verifySplit("sgx", data);
  }

  @FuzzTest(maxDuration = "60s")
  void ear(byte[] data) {
    EvidenceFuzzTargets.verifySplit("ear", data);
  }

  @FuzzTest(maxDuration = "60s")
  void dev(byte[] data) {
    EvidenceFuzzTargets.devEvidence(data);
    EvidenceFuzzTargets.verifySplit("dev", data);
  }

  @FuzzTest(maxDuration = "60s")
  void composite(byte[] data) {
    EvidenceFuzzTargets.verifySplit("composite", data);
  }

  /**
   * Structure-aware: the fuzzer edits bytes of a real vector (with its real chain and
   * collateral), reaching signature, chain and collateral code that random bytes never reach.
   * An edit inside the signed range must never verify.
   */
  @FuzzTest(maxDuration = "120s")
  void realVectorEdits(FuzzedDataProvider in) {
    List<EvidenceMutationTest.Vector> vectors = Holder.VECTORS;
    EvidenceMutationTest.Vector v = vectors.get(in.consumeInt(0, vectors.size() - 1));
    byte[] original = Holder.bytes(v.data());
    byte[] m = original.clone();
    int edits = in.consumeInt(0, 8);
    for (int i = 0; i < edits; i++) {
      m[in.consumeInt(0, m.length - 1)] = in.consumeByte();
    }
    // Compare after all edits: a later edit may restore a byte an earlier one changed.
    boolean signedChanged = !java.util.Arrays.equals(m, v.signedFrom(), v.signedTo(), original, v.signedFrom(), v.signedTo());
    if (in.consumeBoolean()) {
      m = java.util.Arrays.copyOf(m, in.consumeInt(0, m.length + 64));
    }
    var out = EvidenceFuzzTargets.verify(v.format(), m, v.certs(), v.collateral());
    if (signedChanged) assertThat(out.verified()).isFalse();
  }

  /** Loaded once per JVM; the vectors are read in place from ../shared/testdata. */
  private static final class Holder {
    static final List<EvidenceMutationTest.Vector> VECTORS = EvidenceMutationTest.vectors();
    private static final java.util.Map<String, byte[]> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    static byte[] bytes(String rel) {
      return CACHE.computeIfAbsent(rel, Vectors::bytes).clone();
    }
  }

  @FuzzTest(maxDuration = "60s")
  void policy(byte[] data) {
    EvidenceFuzzTargets.policy(data);
  }

  @FuzzTest(maxDuration = "60s")
  void receiptBundle(byte[] data) {
    EvidenceFuzzTargets.receiptBundle(data);
  }
}
