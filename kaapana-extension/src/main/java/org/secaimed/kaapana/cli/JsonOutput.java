package org.secaimed.kaapana.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;

/** The one way commands print {@code --json}: a single JSON object on one line of standard output. */
public final class JsonOutput {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).findAndRegisterModules();

  private JsonOutput() {}

  public static void print(PrintWriter out, Object value) {
    try {
      out.println(MAPPER.writeValueAsString(value));
      out.flush();
    } catch (Exception e) {
      throw new IllegalStateException("cannot render JSON output", e);
    }
  }

  public static ObjectMapper mapper() {
    return MAPPER;
  }
}
