package org.secaimed.dicom.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class LargeReadSocketFactoryTest {
  @Test
  void bytesArriveUnchangedThroughTheReadBufferInSmallAndLargeReads() throws Exception {
    byte[] sent = new byte[3 * LargeReadSocketFactory.READ_BUFFER + 12_345];
    new Random(5).nextBytes(sent);
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> serving = CompletableFuture.runAsync(() -> {
        try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
          for (int off = 0; off < sent.length; off += 70_001) out.write(sent, off, Math.min(70_001, sent.length - off));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try (Socket client = new LargeReadSocketFactory().createSocket(server.getInetAddress(), server.getLocalPort())) {
        InputStream in = client.getInputStream();
        assertThat(client.getInputStream()).isSameAs(in); // one buffer per socket, or bytes would be lost between streams
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] small = new byte[8192]; // Okio's segment size
        byte[] large = new byte[LargeReadSocketFactory.READ_BUFFER + 1]; // bypasses the buffer
        for (int i = 0; ; i++) {
          byte[] buf = i % 3 == 2 ? large : small;
          int n = in.read(buf);
          if (n < 0) break;
          got.write(buf, 0, n);
        }
        assertThat(got.toByteArray()).isEqualTo(sent);
      }
      serving.join();
    }
  }
}
