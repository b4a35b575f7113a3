package org.secaimed.devtools.bench;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hospital uplink simulated on loopback: a TCP proxy in this process between the site and the
 * dev enclave that forwards each direction at most at {@code mbps} (one {@link TokenBucket} per
 * direction, shared by all connections, as on a real link). It adds no latency and no loss, so it
 * models bandwidth only. Bench only; it listens on 127.0.0.1 and forwards to the given loopback target.
 */
final class ThrottledLink implements AutoCloseable {
  private static final int BUFFER = 16 << 10;

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final TokenBucket up;
  private final TokenBucket down;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final int mbps;
  private volatile boolean closed;

  ThrottledLink(URI target, int mbps) throws IOException {
    this.mbps = mbps;
    this.target = new InetSocketAddress(target.getHost(), target.getPort());
    this.up = new TokenBucket(mbps * 1e6, BUFFER);
    this.down = new TokenBucket(mbps * 1e6, BUFFER);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "link-" + mbps + "-accept");
    accept.setDaemon(true);
    accept.start();
  }

  int mbps() {
    return mbps;
  }

  /** The base URL to give the site instead of the enclave's. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** Bytes read from {@code in} cross the link's downlink first (for a result the baseline reads locally). */
  InputStream downlink(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) take(down, 1);
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, Math.min(len, BUFFER));
        if (n > 0) take(down, n);
        return n;
      }
    };
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket();
        upstream.connect(target, 10_000);
        for (Socket s : List.of(client, upstream)) {
          s.setTcpNoDelay(true);
          sockets.add(s);
        }
        java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger(2);
        pump(client, upstream, up, "up", open);
        pump(upstream, client, down, "down", open);
      } catch (IOException e) {
        if (!closed) System.err.println("bench link: connection failed: " + e.getMessage());
      }
    }
  }

  /** Forwards one direction; a clean end is passed on as a half-close, both sockets close when both directions ended. */
  private void pump(Socket from, Socket to, TokenBucket bucket, String direction, java.util.concurrent.atomic.AtomicInteger open) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[BUFFER];
      boolean clean = false;
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int n; (n = in.read(buf)) >= 0; ) {
          take(bucket, n);
          out.write(buf, 0, n);
        }
        to.shutdownOutput();
        clean = true;
      } catch (IOException e) {
        // a peer went away: close both ends so the other direction ends too
      } finally {
        if (!clean || open.decrementAndGet() == 0) {
          closeQuietly(from);
          closeQuietly(to);
          sockets.remove(from);
          sockets.remove(to);
        }
      }
    }, "link-" + mbps + "-" + direction);
    t.setDaemon(true);
    t.start();
  }

  private static void take(TokenBucket bucket, int n) throws InterruptedIOException {
    try {
      bucket.take(n);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("link interrupted");
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : sockets) closeQuietly(s);
  }
}
