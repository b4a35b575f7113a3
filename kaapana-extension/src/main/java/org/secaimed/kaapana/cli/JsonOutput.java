package org.secaimed.kaapana.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one way commands print {@code --json}: a single JSON object on one line of standard output,
 * always in the same envelope (docs/cli.md):
 *
 * <pre>{"ok": true|false, "error": {"code": ..., "message": ..., "field": ...}, ...the command's fields}</pre>
 *
 * {@code error} is present exactly when {@code ok} is false. Commands hand their own fields to
 * {@link #ok} or {@link #failed}; {@link #print} checks a hand-built map against the envelope.
 */
public final class JsonOutput {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).findAndRegisterModules();

  private JsonOutput() {}

  /** Success: {@code {"ok":true, ...fields}}. */
  public static void ok(PrintWriter out, Map<String, ?> fields) {
    write(out, envelope(true, null, fields));
  }

  /** Failure: {@code {"ok":false, "error":{...}, ...fields}}; fields say how far the command got. */
  public static void failed(PrintWriter out, ErrorReport error, Map<String, ?> fields) {
    write(out, envelope(false, error, fields));
  }

  /**
   * A map that carries {@code ok} (and {@code error} when not ok); without {@code ok} it is a success.
   * A string {@code error} (older commands) becomes the error object with the map's {@code reason} as its code.
   */
  public static void print(PrintWriter out, Map<String, ?> value) {
    // A report without "ok" is a success report from a command written before the envelope.
    boolean b = !(value.get("ok") instanceof Boolean v) || v;
    Map<String, Object> fields = new LinkedHashMap<>(value);
    fields.remove("ok");
    Object error = fields.remove("error");
    if (b) {
      write(out, envelope(true, null, fields));
      return;
    }
    ErrorReport report;
    if (error instanceof ErrorReport r) report = r;
    else {
      Object reason = fields.remove("reason");
      report = new ErrorReport(reason == null ? "FAILED" : String.valueOf(reason), ErrorReport.clean(String.valueOf(error)), null);
    }
    write(out, envelope(false, report, fields));
  }

  static Map<String, Object> envelope(boolean ok, ErrorReport error, Map<String, ?> fields) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", ok);
    if (!ok) m.put("error", (error == null ? new ErrorReport("FAILED", "failed", null) : error).toJson());
    if (fields != null) {
      fields.forEach((k, v) -> {
        if (!k.equals("ok") && !k.equals("error")) m.put(k, v);
      });
    }
    return m;
  }

  private static void write(PrintWriter out, Object value) {
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
