package org.secaimed.connector.attest.verify.snp;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.secaimed.connector.attest.verify.Certificates;
import org.secaimed.connector.attest.verify.Verifiers;

/**
 * SIMULATED AMD SEV-SNP, for tests only: a test ARK → ASK → VCEK chain built like AMD's (RSA-PSS
 * with SHA-384 for ARK and ASK, an ECDSA P-384 VCEK carrying AMD's product, SPL and hwID
 * extensions) and a "chip" that signs SNP reports (version 3, Milan CPUID) with the VCEK. The
 * production verifier rejects this chain (its ARK is not AMD's); only {@link #verifiers()} trusts
 * it, through the package-private {@link ArkPins#replacing} seam that no production code calls.
 */
public final class SimulatedAmdSnp {
  public static final SnpProduct PRODUCT = SnpProduct.MILAN;
  /** Milan TCB_VERSION: bootLoader 3, tee 0, snp 8, microcode 115 (the SPLs the VCEK is issued for). */
  public static final long TCB = 3L | 0L << 8 | 8L << 48 | 115L << 56;
  /** POLICY: SMT allowed, the reserved must-be-one bit 17; debug and migration agent off. */
  public static final long POLICY = 0x30000L;
  private static final String SIGNATURE = "SHA384withRSAandMGF1"; // RSASSA-PSS, SHA-384, MGF1 SHA-384, salt 48: as AMD's

  private static final org.bouncycastle.jce.provider.BouncyCastleProvider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();
  private static SimulatedAmdSnp shared;

  private final X509Certificate ark;
  private final X509Certificate ask;
  private final X509Certificate vcek;
  private final PrivateKey vcekKey;
  private final byte[] chipId;

  private SimulatedAmdSnp(X509Certificate ark, X509Certificate ask, X509Certificate vcek, PrivateKey vcekKey, byte[] chipId) {
    this.ark = ark;
    this.ask = ask;
    this.vcek = vcek;
    this.vcekKey = vcekKey;
    this.chipId = chipId;
  }

  /** One chain per test JVM: RSA key generation is the slow part. */
  public static synchronized SimulatedAmdSnp shared() {
    if (shared == null) shared = create();
    return shared;
  }

  public static SimulatedAmdSnp create() {
    try {
      SecureRandom random = new SecureRandom();
      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(2048, random); // AMD's ARK and ASK are RSA-4096; 2048 keeps each test JVM's set-up to a second
      KeyPair arkKeys = rsa.generateKeyPair();
      KeyPair askKeys = rsa.generateKeyPair();
      KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
      ec.initialize(new ECGenParameterSpec("secp384r1"), random);
      KeyPair vcekKeys = ec.generateKeyPair();
      byte[] chipId = new byte[64];
      random.nextBytes(chipId);

      X500Name arkName = amdName("ARK-" + PRODUCT.label());
      X500Name askName = amdName("SEV-" + PRODUCT.label());
      X509Certificate ark = sign(new JcaX509v3CertificateBuilder(arkName, BigInteger.ONE, from(), until(25), arkName, arkKeys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true)), arkKeys.getPrivate());
      X509Certificate ask = sign(new JcaX509v3CertificateBuilder(arkName, BigInteger.TWO, from(), until(25), askName, askKeys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true)), arkKeys.getPrivate());
      X509v3CertificateBuilder v = new JcaX509v3CertificateBuilder(askName, BigInteger.valueOf(3), from(), until(7), amdName("SEV-VCEK"),
          vcekKeys.getPublic());
      amd(v, "1", new ASN1Integer(1)); // structVersion
      amd(v, "2", new DERIA5String(PRODUCT.label() + "-B0")); // productName
      amd(v, "3.1", new ASN1Integer(TCB & 0xff)); // blSPL
      amd(v, "3.2", new ASN1Integer(TCB >>> 8 & 0xff)); // teeSPL
      amd(v, "3.3", new ASN1Integer(TCB >>> 48 & 0xff)); // snpSPL
      for (String spl : new String[] {"3.4", "3.5", "3.6", "3.7"}) amd(v, spl, new ASN1Integer(0));
      amd(v, "3.8", new ASN1Integer(TCB >>> 56 & 0xff)); // ucodeSPL
      amd(v, "4", new DEROctetString(chipId)); // hwID
      X509Certificate vcek = sign(v, askKeys.getPrivate());
      return new SimulatedAmdSnp(ark, ask, vcek, vcekKeys.getPrivate(), chipId);
    } catch (Exception e) {
      throw new IllegalStateException("cannot build the simulated AMD chain", e);
    }
  }

  /** The site's verifiers with SEV-SNP chains ending in this simulated ARK instead of AMD's. */
  public Verifiers verifiers() {
    return Verifiers.standardWith(new SnpVerifier(ArkPins.replacing(PRODUCT, Certificates.sha256(ark))));
  }

  public X509Certificate ark() {
    return ark;
  }

  public X509Certificate ask() {
    return ask;
  }

  public X509Certificate vcek() {
    return vcek;
  }

  /** An SNP report (version 3) a Milan chip would sign: VMPL 0, VCEK-signed, this chip's CHIP_ID and TCB. */
  public byte[] report(byte[] reportData, byte[] measurement) {
    if (reportData.length != 64 || measurement.length != 48) throw new IllegalArgumentException("64-byte report data, 48-byte measurement");
    ByteBuffer b = ByteBuffer.allocate(SnpReport.LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x000, 3); // VERSION
    b.putLong(0x008, POLICY);
    b.putInt(0x030, 0); // VMPL
    b.putInt(0x034, 1); // SIGNATURE_ALGO: ECDSA P-384 with SHA-384
    b.putLong(0x038, TCB); // CURRENT_TCB
    b.putInt(0x048, 0); // FLAGS: SIGNING_KEY = VCEK, CHIP_ID not masked
    b.put(0x050, reportData);
    b.put(0x090, measurement);
    b.putLong(0x180, TCB); // REPORTED_TCB
    b.put(0x188, (byte) 0x19).put(0x189, (byte) 0x01).put(0x18A, (byte) 0x01); // CPUID: family 19h model 01h = Milan
    b.put(0x1A0, chipId);
    b.putLong(0x1E0, TCB); // COMMITTED_TCB
    b.put(0x1EA, (byte) 1).put(0x1E9, (byte) 55).put(0x1E8, (byte) 21); // CURRENT firmware 1.55.21
    b.put(0x1EE, (byte) 1).put(0x1ED, (byte) 55).put(0x1EC, (byte) 21);
    b.putLong(0x1F0, TCB); // LAUNCH_TCB
    byte[] report = b.array();
    try {
      Signature s = Signature.getInstance("SHA384withECDSA");
      s.initSign(vcekKey);
      s.update(report, 0, SnpReport.SIGNED_LENGTH);
      ASN1Sequence rs = ASN1Sequence.getInstance(s.sign());
      System.arraycopy(littleEndian72(ASN1Integer.getInstance(rs.getObjectAt(0)).getValue()), 0, report, 0x2A0, 72);
      System.arraycopy(littleEndian72(ASN1Integer.getInstance(rs.getObjectAt(1)).getValue()), 0, report, 0x2E8, 72);
    } catch (Exception e) {
      throw new IllegalStateException("cannot sign the simulated report", e);
    }
    return report;
  }

  /** The certificates in the order a host provisions them: VCEK, ASK, ARK (DER). */
  public List<byte[]> chainDer() {
    try {
      return List.of(vcek.getEncoded(), ask.getEncoded(), ark.getEncoded());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] littleEndian72(BigInteger v) {
    byte[] be = v.toByteArray();
    byte[] le = new byte[72];
    for (int i = 0; i < be.length && i < 72; i++) le[i] = be[be.length - 1 - i];
    return le;
  }

  private static void amd(X509v3CertificateBuilder b, String sub, org.bouncycastle.asn1.ASN1Encodable value) throws Exception {
    b.addExtension(new ASN1ObjectIdentifier(AmdCertificate.ARC + sub), false, value);
  }

  private static X500Name amdName(String cn) {
    return new X500Name("CN=" + cn + ", OU=Engineering, O=Advanced Micro Devices - SIMULATED for tests, L=Santa Clara, ST=CA, C=US");
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).setProvider(BC).build(key)));
  }

  private static Date from() {
    return Date.from(Instant.now().minus(Duration.ofDays(1)));
  }

  private static Date until(int years) {
    return Date.from(Instant.now().plus(Duration.ofDays(365L * years)));
  }
}
