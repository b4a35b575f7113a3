package org.secaimed.devtools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulated uplink of {@code bench enclave --link-mbps}: bytes cross it intact and in order in
 * both directions, a half-close passes, and a round-trip time holds a new connection one round
 * trip and every chunk half of one each way. Only lower bounds on time are asserted: the link may
 * be slower on a loaded machine, never faster than it simulates.
 */
class ThrottledLinkTest {
  private ServerSocket echo;
  private Thread echoThread;

  @BeforeEach
  void startEcho() throws Exception {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    echoThread = new Thread(() -> {
      while (!echo.isClosed()) {
        try (Socket s = echo.accept()) {
          s.getInputStream().transferTo(s.getOutputStream()); // until the client's half-close
          s.shutdownOutput();
        } catch (Exception e) {
          return;
        }
      }
    });
    echoThread.setDaemon(true);
    echoThread.start();
  }

  @AfterEach
  void stopEcho() throws Exception {
    echo.close();
  }

  private URI target() {
    return URI.create("http://127.0.0.1:" + echo.getLocalPort());
  }

  private static byte[] roundTrip(ThrottledLink link, byte[] sent) throws Exception {
    URI u = URI.create(link.baseUrl());
    try (Socket s = new Socket(u.getHost(), u.getPort())) {
      Thread writer = new Thread(() -> {
        try {
          OutputStream out = s.getOutputStream();
          out.write(sent);
          s.shutdownOutput();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      writer.start();
      byte[] back = s.getInputStream().readAllBytes();
      writer.join();
      return back;
    }
  }

  @Test
  void bytesCrossIntactBothWaysWithAndWithoutARoundTripTime() throws Exception {
    byte[] sent = new byte[3 << 20];
    new Random(5).nextBytes(sent);
    for (Duration rtt : new Duration[] {Duration.ZERO, Duration.ofMillis(20)}) {
      try (ThrottledLink link = new ThrottledLink(target(), 200, rtt)) {
        assertThat(roundTrip(link, sent)).as("rtt %s", rtt).isEqualTo(sent);
      }
    }
  }

  @Test
  void aRoundTripTimeHoldsTheHandshakeAndEachWay() throws Exception {
    try (ThrottledLink link = new ThrottledLink(target(), 1000, Duration.ofMillis(200))) {
      assertThat(link.rtt()).isEqualTo(Duration.ofMillis(200));
      long t0 = System.nanoTime();
      byte[] back = roundTrip(link, new byte[] {42});
      long elapsedMillis = (System.nanoTime() - t0) / 1_000_000;
      assertThat(back).containsExactly(42);
      // The handshake (one round trip), the byte out (half), its echo back (half).
      assertThat(elapsedMillis).isGreaterThanOrEqualTo(400);
    }
  }

  @Test
  void theBaselinesResultWaitsOneRoundTripBeforeItsFirstByte() throws Exception {
    try (ThrottledLink link = new ThrottledLink(target(), 1000, Duration.ofMillis(150))) {
      long t0 = System.nanoTime();
      try (InputStream in = link.downlink(new ByteArrayInputStream(new byte[] {1, 2, 3}))) {
        assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
      }
      assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(150);
    }
  }
}
