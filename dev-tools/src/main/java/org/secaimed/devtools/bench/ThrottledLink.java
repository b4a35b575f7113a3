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
 * direction, shared by all connections, as on a real link) and, with a round-trip time, holds
 * every chunk for half of it after it was serialised (a delay line per direction and connection,
 * bounded by {@link #WINDOW} bytes in flight, roughly a TCP window), and holds a new connection
 * one round trip before any byte passes (the handshake). No loss, no slow start, no jitter.
 * Bench only; it listens on 127.0.0.1 and forwards to the given loopback target.
 */
final class ThrottledLink implements AutoCloseable {
  private static final int BUFFER = 16 << 10;
  /** Bytes a direction of one connection may have in flight on the delay line (a TCP window of 4 MiB). */
  static final int WINDOW = 4 << 20;
  private static final byte[] END = new byte[0];

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final TokenBucket up;
  private final TokenBucket down;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final int mbps;
  private final long oneWayNanos;
  private volatile boolean closed;

  ThrottledLink(URI target, int mbps) throws IOException {
    this(target, mbps, java.time.Duration.ZERO);
  }

  /** @param rtt the link's round-trip time (zero: bandwidth only) */
  ThrottledLink(URI target, int mbps, java.time.Duration rtt) throws IOException {
    if (rtt.isNegative()) throw new IllegalArgumentException("rtt must not be negative");
    this.mbps = mbps;
    this.oneWayNanos = rtt.toNanos() / 2;
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

  /** The round-trip time. */
  java.time.Duration rtt() {
    return java.time.Duration.ofNanos(2 * oneWayNanos);
  }

  /**
   * Bytes read from {@code in} cross the link's downlink first (for a result the baseline reads
   * locally); the first read waits one round trip, as the request for the result would.
   */
  InputStream downlink(InputStream in) {
    return new FilterInputStream(in) {
      private boolean requested;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (!requested) {
          requested = true;
          sleepUntil(System.nanoTime() + 2 * oneWayNanos);
        }
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
        // The handshake: nothing passes for one round trip (the pumps start late; bytes wait in the sockets).
        long handshakeEnds = System.nanoTime() + 2 * oneWayNanos;
        pump(client, upstream, up, "up", open, handshakeEnds);
        pump(upstream, client, down, "down", open, handshakeEnds);
      } catch (IOException e) {
        if (!closed) System.err.println("bench link: connection failed: " + e.getMessage());
      }
    }
  }

  /**
   * Forwards one direction from {@code startAt} on; a clean end is passed on as a half-close, both
   * sockets close when both directions ended. With a round-trip time a second thread delivers each
   * serialised chunk half a round trip later.
   */
  private void pump(Socket from, Socket to, TokenBucket bucket, String direction, java.util.concurrent.atomic.AtomicInteger open,
      long startAt) {
    java.util.concurrent.BlockingQueue<Stamped> line = oneWayNanos == 0 ? null : new java.util.concurrent.ArrayBlockingQueue<>(WINDOW / BUFFER);
    Thread t = new Thread(() -> {
      byte[] buf = new byte[BUFFER];
      boolean clean = false;
      try {
        sleepUntil(startAt);
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int n; (n = in.read(buf)) >= 0; ) {
          take(bucket, n);
          if (line == null) out.write(buf, 0, n);
          else put(line, new Stamped(java.util.Arrays.copyOf(buf, n), System.nanoTime() + oneWayNanos));
        }
        if (line == null) to.shutdownOutput();
        else put(line, new Stamped(END, System.nanoTime() + oneWayNanos));
        clean = true;
      } catch (IOException e) {
        // a peer went away: close both ends so the other direction ends too
      } finally {
        if (line == null || !clean) ended(from, to, open, clean);
        if (line != null && !clean) line.offer(new Stamped(END, 0)); // the delivering thread ends too
      }
    }, "link-" + mbps + "-" + direction);
    t.setDaemon(true);
    t.start();
    if (line != null) deliver(line, from, to, direction, open);
  }

  /** A serialised chunk and when it arrives at the far end. */
  private record Stamped(byte[] bytes, long arrivesAt) {}

  /** The far end of a delay line: writes each chunk when it arrives, and the half-close after the last. */
  private void deliver(java.util.concurrent.BlockingQueue<Stamped> line, Socket from, Socket to, String direction,
      java.util.concurrent.atomic.AtomicInteger open) {
    Thread t = new Thread(() -> {
      boolean clean = false;
      try {
        OutputStream out = to.getOutputStream();
        for (Stamped c; (c = line.take()).bytes() != END; ) {
          sleepUntil(c.arrivesAt());
          out.write(c.bytes());
        }
        to.shutdownOutput();
        clean = true;
      } catch (IOException e) {
        // a peer went away
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        ended(from, to, open, clean);
        if (!clean) line.clear(); // a reader blocked on a full line reads its closed socket next, and ends
      }
    }, "link-" + mbps + "-" + direction + "-delay");
    t.setDaemon(true);
    t.start();
  }

  private void ended(Socket from, Socket to, java.util.concurrent.atomic.AtomicInteger open, boolean clean) {
    if (!clean || open.decrementAndGet() == 0) {
      closeQuietly(from);
      closeQuietly(to);
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  private static void put(java.util.concurrent.BlockingQueue<Stamped> line, Stamped c) throws InterruptedIOException {
    try {
      line.put(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("link interrupted");
    }
  }

  private static void sleepUntil(long deadline) throws InterruptedIOException {
    for (long left; (left = deadline - System.nanoTime()) > 0; ) {
      java.util.concurrent.locks.LockSupport.parkNanos(left);
      if (Thread.interrupted()) throw new InterruptedIOException("link interrupted");
    }
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
