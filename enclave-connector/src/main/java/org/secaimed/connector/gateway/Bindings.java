package org.secaimed.connector.gateway;

import java.nio.charset.StandardCharsets;

/**
 * The sealed-archive bindings both ends of the gateway protocol use, so that a sealed input
 * cannot be passed off as a result and a result cannot be served for another task.
 */
public final class Bindings {
  private Bindings() {}

  /**
   * Protocol v1: inputs bound only to the enclave KEM key. Kept so the enclave can still name an
   * old archive, never accepted for a task (security review C1: nothing says who may use it).
   */
  public static byte[] input(String enclaveKemKeyId) {
    return ("secaimed-input-v1:" + enclaveKemKeyId).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Protocol v2: an input is bound to the enclave KEM key and to the digest of its owner's
   * data-usage policy. The binding's SHA-256 is in the authenticated header and in the context of
   * the stream keys, so a gateway that strips or swaps the policy makes the archive fail to open
   * ({@code WRONG_BINDING} before any decryption). Both fields are 64 hex digits: fixed length,
   * so the concatenation is unambiguous.
   */
  public static byte[] input(String enclaveKemKeyId, String usagePolicyDigest) {
    requireHex64(enclaveKemKeyId, "enclave KEM key id");
    requireHex64(usagePolicyDigest, "usage policy digest");
    return ("secaimed-input-v2:" + enclaveKemKeyId + ":" + usagePolicyDigest).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The owner's instance-commitment key for one blob travels sealed to the enclave under this
   * binding, so it cannot be moved to another blob.
   */
  public static byte[] commitmentKey(String blobSha256Hex) {
    requireHex64(blobSha256Hex, "blob SHA-256");
    return ("secaimed-commitment-key-v1:" + blobSha256Hex).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A provider's model bundle is bound to the enclave KEM key and to the digest of its usage
   * licence: a gateway that pairs the bundle with another licence makes it fail to open.
   */
  public static byte[] modelBundle(String enclaveKemKeyId, String usageLicenceDigest) {
    requireHex64(enclaveKemKeyId, "enclave KEM key id");
    requireHex64(usageLicenceDigest, "usage licence digest");
    return ("secaimed-model-bundle-v1:" + enclaveKemKeyId + ":" + usageLicenceDigest).getBytes(StandardCharsets.UTF_8);
  }

  private static void requireHex64(String s, String what) {
    if (s == null || !s.matches("[0-9a-f]{64}")) throw new IllegalArgumentException(what + " must be 64 lower-case hex digits");
  }

  /** Results are bound to the task that produced them. */
  public static byte[] result(String taskId) {
    return ("secaimed-result-v1:" + taskId).getBytes(StandardCharsets.UTF_8);
  }
}
