package org.secaimed.connector.attest.verify;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.secaimed.connector.attest.Check;

/**
 * What a verifier established about one evidence: the checks it ran (genuine?) and the claims
 * the evidence makes, normalised so that a policy can judge them (acceptable?). Claims are only
 * meaningful when {@link #verified()} is true.
 */
public final class VerifiedEvidence {
  private final String format;
  private final List<Check> checks;
  private final Map<String, Object> claims;
  private final Map<String, String> referenceValues;
  private final Map<String, Integer> tcb;
  private final byte[] reportData;
  private final boolean insecure;
  private final Boolean debug;
  private final Instant issuedAt;
  private final String tcbStatus;
  private final Boolean collateralCurrent;
  private final CollateralFacts collateral;
  private final List<VerifiedEvidence> parts;

  private VerifiedEvidence(Builder b) {
    this.format = b.format;
    this.checks = List.copyOf(b.checks);
    this.claims = Collections.unmodifiableMap(new LinkedHashMap<>(b.claims));
    this.referenceValues = Collections.unmodifiableMap(new LinkedHashMap<>(b.referenceValues));
    this.tcb = Collections.unmodifiableMap(new LinkedHashMap<>(b.tcb));
    this.reportData = b.reportData == null ? null : b.reportData.clone();
    this.insecure = b.insecure;
    this.debug = b.debug;
    this.issuedAt = b.issuedAt;
    this.tcbStatus = b.tcbStatus;
    this.collateralCurrent = b.collateralCurrent;
    this.collateral = new CollateralFacts(b.revocationChecked, Optional.ofNullable(b.oldestCollateralIssue),
        Optional.ofNullable(b.tcbEvaluationDataNumber));
    this.parts = List.copyOf(b.parts);
  }

  public static Builder builder(String format) {
    return new Builder(format);
  }

  public String format() {
    return format;
  }

  public List<Check> checks() {
    return checks;
  }

  /** True when no check failed and at least one passed. */
  public boolean verified() {
    return checks.stream().noneMatch(Check::failed) && checks.stream().anyMatch(c -> c.status() == Check.Status.PASS);
  }

  public Optional<Check> failedCheck() {
    return checks.stream().filter(Check::failed).findFirst();
  }

  /** Display claims (JSON-friendly values: strings, numbers, booleans, maps, lists). */
  public Map<String, Object> claims() {
    return claims;
  }

  /** Measurements a policy pins, as lowercase hex, keyed by policy field name (measurement, mrtd, rtmr0, mrEnclave, ...). */
  public Map<String, String> referenceValues() {
    return referenceValues;
  }

  /** TCB components (e.g. bootLoader, tee, snp, microcode; isvSvn), for minimum-TCB rules. */
  public Map<String, Integer> tcb() {
    return tcb;
  }

  /** The 64 bytes the evidence binds (report data), or empty when the format carries none. */
  public Optional<byte[]> reportData() {
    return Optional.ofNullable(reportData).map(byte[]::clone);
  }

  /** True for software evidence (the dev enclave): integrity only, no hardware root of trust. */
  public boolean insecure() {
    return insecure;
  }

  /** Whether the TEE allows debugging (which exposes its memory); empty when unknown. */
  public Optional<Boolean> debug() {
    return Optional.ofNullable(debug);
  }

  public Optional<Instant> issuedAt() {
    return Optional.ofNullable(issuedAt);
  }

  /** Intel TCB status (UpToDate, OutOfDate, ..., or "NoMatchingTcbLevel"); empty without collateral. */
  public Optional<String> tcbStatus() {
    return Optional.ofNullable(tcbStatus);
  }

  /** Whether all collateral (TCB info, QE identity, CRLs, their signers) is current; empty when none was given. */
  public Optional<Boolean> collateralCurrent() {
    return Optional.ofNullable(collateralCurrent);
  }

  /** What the policy's collateral rules judge: revocation coverage, collateral age, Intel's TCB evaluation number. */
  public CollateralFacts collateral() {
    return collateral;
  }

  /**
   * Facts about the vendor collateral a verifier used.
   *
   * @param revocationChecked every CRL the chain needs was present, genuine and current (Intel: Root CA and PCK CA CRLs; AMD: the ARK's CRL)
   * @param oldestIssue the oldest issue date among the TCB info, QE identity and CRLs (thisUpdate)
   * @param tcbEvaluationDataNumber the lowest {@code tcbEvaluationDataNumber} of Intel's TCB info and QE identity
   */
  public record CollateralFacts(boolean revocationChecked, Optional<Instant> oldestIssue, Optional<Integer> tcbEvaluationDataNumber) {}

  /** The parts of a composite evidence; empty otherwise. */
  public List<VerifiedEvidence> parts() {
    return parts;
  }

  /** Accumulates checks and claims; verifiers add a check for every step they take. */
  public static final class Builder {
    private final String format;
    private final List<Check> checks = new ArrayList<>();
    private final Map<String, Object> claims = new LinkedHashMap<>();
    private final Map<String, String> referenceValues = new LinkedHashMap<>();
    private final Map<String, Integer> tcb = new LinkedHashMap<>();
    private byte[] reportData;
    private boolean insecure;
    private Boolean debug;
    private Instant issuedAt;
    private String tcbStatus;
    private Boolean collateralCurrent;
    private boolean revocationChecked;
    private Instant oldestCollateralIssue;
    private Integer tcbEvaluationDataNumber;
    private final List<VerifiedEvidence> parts = new ArrayList<>();

    private Builder(String format) {
      this.format = format;
    }

    public Builder pass(String id, String description) {
      return check(new Check(id, description, Check.Status.PASS, ""));
    }

    public Builder pass(String id, String description, String detail) {
      return check(new Check(id, description, Check.Status.PASS, detail));
    }

    public Builder fail(String id, String description, String detail) {
      return check(new Check(id, description, Check.Status.FAIL, detail));
    }

    public Builder skip(String id, String description, String detail) {
      return check(new Check(id, description, Check.Status.SKIPPED, detail));
    }

    /** Records pass or fail depending on {@code ok}; returns ok so steps can chain on it. */
    public boolean expect(boolean ok, String id, String description, String failDetail) {
      if (ok) pass(id, description);
      else fail(id, description, failDetail);
      return ok;
    }

    public Builder check(Check c) {
      checks.add(c);
      return this;
    }

    public boolean hasFailure() {
      return checks.stream().anyMatch(Check::failed);
    }

    public Builder claim(String name, Object value) {
      claims.put(name, value);
      return this;
    }

    public Builder referenceValue(String name, byte[] value) {
      referenceValues.put(name, Hex.of(value));
      return this;
    }

    public Builder referenceValue(String name, String hex) {
      referenceValues.put(name, hex);
      return this;
    }

    public Builder tcb(String component, int value) {
      tcb.put(component, value);
      return this;
    }

    public Builder reportData(byte[] value) {
      this.reportData = value.clone();
      return this;
    }

    public Builder insecure(boolean value) {
      this.insecure = value;
      return this;
    }

    public Builder debug(boolean value) {
      this.debug = value;
      return this;
    }

    public Builder issuedAt(Instant value) {
      this.issuedAt = value;
      return this;
    }

    public Builder tcbStatus(String value) {
      this.tcbStatus = value;
      return this;
    }

    public Builder collateralCurrent(boolean value) {
      this.collateralCurrent = value;
      return this;
    }

    public Builder revocationChecked(boolean value) {
      this.revocationChecked = value;
      return this;
    }

    /** Records a collateral issue date; the oldest one is kept. */
    public Builder collateralIssued(Instant value) {
      if (value != null && (oldestCollateralIssue == null || value.isBefore(oldestCollateralIssue))) oldestCollateralIssue = value;
      return this;
    }

    /** Records a TCB evaluation data number; the lowest one is kept. */
    public Builder tcbEvaluationDataNumber(int value) {
      if (tcbEvaluationDataNumber == null || value < tcbEvaluationDataNumber) tcbEvaluationDataNumber = value;
      return this;
    }

    public Builder part(VerifiedEvidence part) {
      parts.add(part);
      return this;
    }

    public VerifiedEvidence build() {
      return new VerifiedEvidence(this);
    }
  }
}
