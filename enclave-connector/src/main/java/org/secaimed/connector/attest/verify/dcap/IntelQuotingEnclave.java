package org.secaimed.connector.attest.verify.dcap;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.MessageDigest;
import org.secaimed.connector.attest.verify.Hex;

/**
 * Intel's Quoting Enclaves, pinned in code: the QE identity JSON is collateral the gateway
 * chooses, so it alone cannot say which enclave is Intel's. A quote is only trusted when its QE
 * report has Intel's MRSIGNER and the ISVPRODID of the QE kind that signs this quote type, and
 * the supplied (signed) QE identity describes that same enclave.
 */
enum IntelQuotingEnclave {
  /** The SGX ECDSA Quoting Enclave (QE3); signs SGX quotes. */
  SGX_QE("QE", "8c4f5775d796503e96137f77c68a829a0056ac8ded70140b081b094490c57bff", 1),
  /** The TD Quoting Enclave; signs TDX quotes. */
  TD_QE("TD_QE", "dc9e2a7c6f948f17474e34a7fc43ed030f7c1563f1babddf6340c82e0e54a8c5", 2);

  final String identityId;
  private final byte[] mrSigner;
  final int isvProdId;

  IntelQuotingEnclave(String identityId, String mrSigner, int isvProdId) {
    this.identityId = identityId;
    this.mrSigner = Hex.parse(mrSigner);
    this.isvProdId = isvProdId;
  }

  static IntelQuotingEnclave forQuote(boolean tdx) {
    return tdx ? TD_QE : SGX_QE;
  }

  /** Whether the QE report was produced by this Intel enclave (signer and product id). */
  boolean produced(SgxReport qeReport) {
    return MessageDigest.isEqual(mrSigner, qeReport.mrSigner()) && qeReport.isvProdId() == isvProdId;
  }

  /** Whether a QE identity document is Intel's identity for this enclave (id, signer and product id). */
  boolean describedBy(JsonNode identity) {
    try {
      return identityId.equals(identity.path("id").asText())
          && MessageDigest.isEqual(mrSigner, Hex.parse(identity.path("mrsigner").asText()))
          && identity.path("isvprodid").asInt(-1) == isvProdId;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  String describe() {
    return identityId + " (MRSIGNER " + Hex.of(mrSigner).substring(0, 16) + "…, ISVPRODID " + isvProdId + ")";
  }
}
