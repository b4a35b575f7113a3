package org.secaimed.connector.attest.collateral;

/** What an endpoint serves; decides how a response is checked and how long it stays fresh. */
public enum CollateralKind {
  /** A DER certificate that never changes for its URL (an AMD VCEK for one chip and TCB): cached for ever. */
  IMMUTABLE_CERTIFICATE,
  /** A PEM certificate chain (AMD KDS {@code cert_chain}: ASK/ASVK then ARK). */
  CERTIFICATE_CHAIN,
  /** A DER CRL; fresh until its {@code nextUpdate}. */
  CRL,
  /** Intel TCB info JSON ({@code {"tcbInfo":…,"signature":…}}); fresh until its {@code nextUpdate}. */
  TCB_INFO,
  /** Intel QE identity JSON ({@code {"enclaveIdentity":…,"signature":…}}); fresh until its {@code nextUpdate}. */
  QE_IDENTITY
}
