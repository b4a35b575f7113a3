package org.secaimed.connector;

/**
 * The root type of every failure this product throws on purpose, in every module: a typed failure
 * with a stable code, as opposed to a bug or a library's exception. Callers classify with
 * {@code instanceof SecaimedFailure} (never by class name), and the command line shows
 * {@link #code()} with the message, never the Java type.
 *
 * <p>An interface, not a base class: the product's failures must keep their Java parents
 * ({@code IOException} for those that travel through streams, {@code Exception} or
 * {@code RuntimeException} for the rest), and Java has one superclass.
 */
public interface SecaimedFailure {
  /**
   * What went wrong, as a stable upper-case code users and scripts may rely on (for example
   * {@code WRONG_BINDING}): the failure's reason where it has one.
   */
  String code();

  /** The message, which names the instance, field, rule or step and never a Java class. */
  String getMessage();
}
