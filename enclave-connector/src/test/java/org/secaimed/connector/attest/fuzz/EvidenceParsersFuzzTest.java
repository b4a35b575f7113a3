package org.secaimed.connector.attest.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

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

  @FuzzTest(maxDuration = "60s")
  void policy(byte[] data) {
    EvidenceFuzzTargets.policy(data);
  }
}
