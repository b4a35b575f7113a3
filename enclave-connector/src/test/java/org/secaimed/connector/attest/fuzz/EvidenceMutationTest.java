package org.secaimed.connector.attest.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.secaimed.connector.attest.verify.VerifiedEvidence;
import org.secaimed.connector.attest.verify.Vectors;

/**
 * Deterministic structure-aware fuzzing in every {@code mvn test}: thousands of mutations (bit
 * flips, byte stores, truncations, extensions) of the real vectors, with their real certificate
 * chains and collateral. Every verifier must answer with checks or a typed error, and no
 * mutation of the signed bytes may still verify.
 */
class EvidenceMutationTest {
  static final int CASES = Integer.getInteger("secaimed.mutation.cases", 150);

  /** A real vector with its chain and collateral, and the byte range its signature covers. */
  record Vector(String format, String data, List<byte[]> certs, List<byte[]> collateral, int signedFrom, int signedTo) {}

  static List<Vector> vectors() {
    return List.of(
        new Vector("sev-snp", "sev-snp/gsg-milan-vcek/report.bin", Vectors.certs("sev-snp/gsg-milan-vcek/vcek.der", "sev-snp/roots/ask_ark_milan.pem"),
            List.of(), 0, 0x2A0),
        new Vector("sev-snp", "sev-snp/trustee-milan-vlek/report.bin", Vectors.certs("sev-snp/trustee-milan-vlek/vlek.der", "sev-snp/roots/asvk_ark_milan_vlek.pem"),
            List.of(), 0, 0x2A0),
        new Vector("azure-snp-hcl", "sev-snp/azure-genoa/hcl-report.bin", Vectors.certs("sev-snp/azure-genoa/vcek.pem", "sev-snp/roots/ask_ark_genoa.pem"),
            List.of(), 32, 32 + 0x2A0),
        new Vector("tdx", "tdx/quote_v4_spr_e4.dat", Vectors.certs("tdx/tcb_signing_chain.pem"),
            List.of(Vectors.bytes("tdx/tcbinfo_tdx_50806f000000.json"), Vectors.bytes("tdx/qe_identity_td_qe_2023.json"), Vectors.bytes("tdx/pckcrl_platform.der")),
            0, 48 + 584),
        new Vector("tdx", "tdx/quote_v5_sample.dat", Vectors.certs("tdx/tcb_signing_chain.pem"),
            List.of(Vectors.bytes("tdx/tcbinfo_tdx_90c06f000000_v5.json")), 0, 54 + 648),
        new Vector("sgx", "sgx/quote_v3_occlum.dat", List.of(), List.of(), 0, 48 + 384),
        new Vector("ear", "ear/veraison_ear_valid.jwt", List.of(), List.of(), 0, 0));
  }

  @Test
  void mutatedEvidenceNeverEscapesWithAnUntypedErrorAndNeverVerifiesWhenSignedBytesChange() {
    SplittableRandom rnd = new SplittableRandom(20261122);
    int verifiedMutants = 0;
    int total = 0;
    for (Vector v : vectors()) {
      byte[] original = Vectors.bytes(v.data());
      for (int i = 0; i < CASES; i++) {
        byte[] m = original.clone();
        boolean touchedSigned = false;
        switch (rnd.nextInt(4)) {
          case 0 -> {
            int at = rnd.nextInt(m.length);
            m[at] ^= (byte) (1 << rnd.nextInt(8));
            touchedSigned = at >= v.signedFrom() && at < v.signedTo();
          }
          case 1 -> {
            int at = rnd.nextInt(m.length);
            byte b = (byte) rnd.nextInt(256);
            touchedSigned = m[at] != b && at >= v.signedFrom() && at < v.signedTo();
            m[at] = b;
          }
          case 2 -> m = Arrays.copyOf(m, rnd.nextInt(m.length));
          default -> {
            m = Arrays.copyOf(m, m.length + 1 + rnd.nextInt(64));
          }
        }
        VerifiedEvidence out = EvidenceFuzzTargets.verify(v.format(), m, v.certs(), v.collateral());
        total++;
        if (touchedSigned) {
          assertThat(out.verified()).as(v.data() + " mutant " + i + " changed signed bytes but verified").isFalse();
        }
        if (out.verified()) verifiedMutants++;
        EvidenceFuzzTargets.snpReport(m);
        EvidenceFuzzTargets.azureHcl(m);
        EvidenceFuzzTargets.dcapQuote(m);
        EvidenceFuzzTargets.devEvidence(m);
      }
    }
    assertThat(total).isEqualTo(CASES * vectors().size());
    // Appended bytes after an SNP report or a JWT are rejected; trailing quote padding is legal, so some mutants verify.
    assertThat(verifiedMutants).isLessThan(total);
  }

  @Test
  void mutatedCollateralAndCertificatesAreHandled() {
    SplittableRandom rnd = new SplittableRandom(7);
    byte[] quote = Vectors.bytes("tdx/quote_v4_spr_e4.dat");
    List<byte[]> base = List.of(Vectors.bytes("tdx/tcbinfo_tdx_50806f000000.json"), Vectors.bytes("tdx/qe_identity_td_qe_2023.json"),
        Vectors.bytes("tdx/pckcrl_platform.der"), Vectors.bytes("tdx/tcb_signing_chain.pem"));
    for (int i = 0; i < CASES; i++) {
      List<byte[]> coll = new ArrayList<>(base);
      int which = rnd.nextInt(coll.size());
      byte[] m = coll.get(which).clone();
      if (rnd.nextBoolean()) m[rnd.nextInt(m.length)] ^= (byte) (1 << rnd.nextInt(8));
      else m = Arrays.copyOf(m, rnd.nextInt(m.length));
      coll.set(which, m);
      EvidenceFuzzTargets.verify("tdx", quote, List.of(), coll);
      List<byte[]> certs = new ArrayList<>(Vectors.certs("sev-snp/gsg-milan-vcek/vcek.der", "sev-snp/roots/ask_ark_milan.pem"));
      byte[] c = certs.get(rnd.nextInt(certs.size())).clone();
      c[rnd.nextInt(c.length)] ^= (byte) (1 << rnd.nextInt(8));
      certs.set(0, c);
      EvidenceFuzzTargets.verify("sev-snp", Vectors.bytes("sev-snp/gsg-milan-vcek/report.bin"), certs, List.of());
    }
  }
}
