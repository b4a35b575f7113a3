package org.secaimed.connector.gateway;

import org.secaimed.connector.SecaimedFailure;
import java.io.IOException;

/** The site's checkpoint store refused a change; {@link #reason()} says which rule. */
public final class CheckpointStoreException extends IOException implements SecaimedFailure {
  private static final long serialVersionUID = 1L;

  /** Which rule of {@link CheckpointStore} was broken. */
  public enum Reason {
    /** A log origin the site does not follow and has not accepted (a rotated key needs an explicit transition). */
    UNACCEPTED_ORIGIN,
    /** A smaller tree, or the same size with another root. */
    BACKWARDS,
    /** The stored checkpoint changed between reading and writing. */
    CONCURRENT_UPDATE,
    /** A checkpoint of one origin offered for another. */
    WRONG_ORIGIN,
    /** A stored or offered checkpoint does not parse. */
    UNREADABLE
  }

  private final Reason reason;

  public CheckpointStoreException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  @Override
  public String code() {
    return reason.name();
  }
}
