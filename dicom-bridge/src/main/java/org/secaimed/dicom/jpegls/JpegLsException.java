package org.secaimed.dicom.jpegls;

import org.secaimed.connector.SecaimedFailure;

/**
 * A JPEG-LS stream that cannot be decoded: malformed or truncated ({@code unsupported} false), or
 * using a feature this decoder deliberately leaves out ({@code unsupported} true: mapping tables,
 * restart intervals, sub-sampling, point transform, DNL). The message names the rule, not the
 * instance; callers add which instance it was.
 */
public final class JpegLsException extends Exception implements SecaimedFailure {
  private static final long serialVersionUID = 1L;
  private final boolean unsupported;

  JpegLsException(String message, boolean unsupported) {
    super(message);
    this.unsupported = unsupported;
  }

  static JpegLsException malformed(String message) {
    return new JpegLsException(message, false);
  }

  static JpegLsException unsupported(String message) {
    return new JpegLsException(message, true);
  }

  public boolean unsupported() {
    return unsupported;
  }

  /** The same codes the series assembler reports for the instance: UNSUPPORTED_PIXELS or UNREADABLE. */
  @Override
  public String code() {
    return unsupported ? "UNSUPPORTED_PIXELS" : "UNREADABLE";
  }
}
