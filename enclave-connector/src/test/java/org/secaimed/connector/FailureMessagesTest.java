package org.secaimed.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.secaimed.connector.gateway.GatewayTransportException;
import org.secaimed.connector.seal.SealedArchiveException;

/** Issue 13: a message that reaches a person never names a Java class. */
class FailureMessagesTest {
  /** A Java type name as it leaks: qualified, or a simple name ending in Exception/Error. */
  static final Pattern JAVA_TYPE = Pattern.compile("\\b(?:[a-z_]+\\.)+[A-Z]\\w*|\\b[A-Z]\\w*(?:Exception|Error)\\b");

  @Test
  void libraryExceptionsBecomeWordsWithoutTypeNames() {
    Throwable[] leaks = {
        new NullPointerException(),
        new EOFException(),
        new SocketTimeoutException(),
        new ConnectException(),
        new IOException(new IllegalStateException("java.lang.IllegalArgumentException: port out of range")),
        new IOException("com.fasterxml.jackson.core.JsonParseException: Unexpected character"),
        new RuntimeException("IllegalStateException: broken"),
    };
    for (Throwable t : leaks) {
      String m = FailureMessages.of(t);
      assertThat(m).as(t.toString()).isNotBlank().doesNotContainPattern(JAVA_TYPE);
    }
    assertThat(FailureMessages.of(new SocketTimeoutException("timeout"))).isEqualTo("timeout");
    assertThat(FailureMessages.of(new EOFException())).isEqualTo("the connection or file ended early");
  }

  @Test
  void typedFailuresKeepTheirMessageAndCarryAStableCode() {
    SealedArchiveException s = new SealedArchiveException(SealedArchiveException.Reason.CHUNK_AUTH_FAILED, "chunk 3 failed authentication");
    assertThat(s).isInstanceOf(SecaimedFailure.class);
    assertThat(((SecaimedFailure) s).code()).isEqualTo("CHUNK_AUTH_FAILED");
    assertThat(FailureMessages.of(s)).isEqualTo(s.getMessage()).endsWith("chunk 3 failed authentication");
    GatewayTransportException g = new GatewayTransportException("attest: " + FailureMessages.of(new ConnectException("Connection refused")),
        new ConnectException("Connection refused"));
    assertThat(g.code()).isEqualTo("GATEWAY_UNREACHABLE");
    assertThat(g.getMessage()).isEqualTo("attest: cannot connect: Connection refused").doesNotContainPattern(JAVA_TYPE);
  }

  @Test
  void jsonParseFailuresSayWhereNotWhatTheInputWasOrWhichClassFailed() {
    Exception e = org.assertj.core.api.Assertions.catchException(
        () -> new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"secret\": tru"));
    assertThat(FailureMessages.jsonPosition(e)).matches(" \\(line 1, column \\d+\\)");
    assertThat(FailureMessages.jsonPosition(new IOException("x"))).isEmpty();
  }
}
