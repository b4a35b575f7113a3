package org.secaimed.connector.gateway;

import java.nio.charset.StandardCharsets;

/**
 * The sealed-archive bindings both ends of the gateway protocol use, so that a sealed input
 * cannot be passed off as a result and a result cannot be served for another task.
 */
public final class Bindings {
  private Bindings() {}

  /** Inputs are bound to the attested enclave KEM key they are sealed to. */
  public static byte[] input(String enclaveKemKeyId) {
    return ("secaimed-input-v1:" + enclaveKemKeyId).getBytes(StandardCharsets.UTF_8);
  }

  /** Results are bound to the task that produced them. */
  public static byte[] result(String taskId) {
    return ("secaimed-result-v1:" + taskId).getBytes(StandardCharsets.UTF_8);
  }
}
