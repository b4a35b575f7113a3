package org.secaimed.devenclave.task;

/** An algorithm refused or failed on its inputs; the message is reported to the site as is. */
public class AlgorithmException extends Exception {
  private static final long serialVersionUID = 1L;

  public AlgorithmException(String message) {
    super(message);
  }

  public AlgorithmException(String message, Throwable cause) {
    super(message, cause);
  }
}
