package org.secaimed.dicom.exchange;

import org.secaimed.connector.SecaimedFailure;
import java.io.IOException;

/** A model manifest that is not JSON or breaks a rule; {@link #field()} names the field at fault. */
public final class ModelManifestException extends IOException implements SecaimedFailure {
  private static final long serialVersionUID = 1L;

  private final String field;

  public ModelManifestException(String field, String message) {
    super("model manifest [" + field + "]: " + message);
    this.field = field;
  }

  public String field() {
    return field;
  }

  @Override
  public String code() {
    return "INVALID_MODEL_MANIFEST";
  }
}
