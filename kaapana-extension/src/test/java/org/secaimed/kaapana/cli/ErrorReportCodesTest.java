package org.secaimed.kaapana.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.secaimed.connector.gateway.GatewayTransportException;
import org.secaimed.connector.seal.KeyFileException;
import org.secaimed.connector.seal.SealedArchiveException;
import org.secaimed.dicom.pipeline.PipelineException;
import org.secaimed.kaapana.backend.KaapanaBackendException;

/**
 * Issue 13: every typed failure reaches the user as its own stable code, found by type
 * ({@code SecaimedFailure}) rather than by a reflective look for a {@code reason()} on classes
 * whose name starts with our package; and no line a person reads names a Java class.
 */
class ErrorReportCodesTest {
  private static final Pattern JAVA_TYPE = Pattern.compile("\\b(?:[a-z_]+\\.)+[A-Z]\\w*|\\b[A-Z]\\w*(?:Exception|Error)\\b");

  @Test
  void typedFailuresWithoutAReasonEnumGetTheirOwnCode() {
    // Before, these had no reason() and all came out as the catch-all FAILED.
    assertThat(ErrorReport.of(new GatewayTransportException("attest: cannot connect: Connection refused", new ConnectException())).code())
        .isEqualTo("GATEWAY_UNREACHABLE");
    assertThat(ErrorReport.of(new PipelineException(PipelineException.Step.PULL, "series 1.2.3", "no instances")).code())
        .isEqualTo("PULL_FAILED");
    assertThat(ErrorReport.of(new KeyFileException("k.json: not a key file")).code()).isEqualTo("INVALID_KEY_FILE");
    assertThat(ErrorReport.of(new KaapanaBackendException("GET /datasets", 503, "unavailable", null)).code())
        .isEqualTo("KAAPANA_BACKEND_FAILED");
  }

  @Test
  void reasonCodesStayAsTheyWereAndTheMessageDoesNotRepeatThem() {
    ErrorReport r = ErrorReport.of(new SealedArchiveException(SealedArchiveException.Reason.CHUNK_AUTH_FAILED, "chunk 3 failed authentication"));
    assertThat(r.code()).isEqualTo("CHUNK_AUTH_FAILED");
    assertThat(r.line()).isEqualTo("CHUNK_AUTH_FAILED: chunk 3 failed authentication");
  }

  @Test
  void noLineAPersonReadsNamesAJavaClass() {
    Throwable[] failures = {
        new GatewayTransportException("attest: java.net.ConnectException: Connection refused", new ConnectException()),
        new PipelineException(PipelineException.Step.PULL, "series 1.2.3", "IllegalStateException: boom"),
        new IOException(new NullPointerException()),
        new RuntimeException(),
        new IllegalStateException("java.lang.IllegalArgumentException: bad"),
    };
    for (Throwable t : failures) {
      ErrorReport r = ErrorReport.of(t);
      assertThat(r.line()).as(t.toString()).isNotBlank().doesNotContainPattern(JAVA_TYPE);
    }
  }
}
