package org.secaimed.dicom.dimse;

import java.util.Objects;

/** A remote DICOM application: host, port and its (called) AE title. */
public record DimsePeer(String host, int port, AeTitle aeTitle) {
  public DimsePeer {
    Objects.requireNonNull(aeTitle, "called AE title");
    if (host == null || host.isBlank()) throw new IllegalArgumentException("DICOM peer host is required");
    if (port < 1 || port > 65535) throw new IllegalArgumentException("DICOM peer port must be 1..65535, was " + port);
  }

  /** Parses {@code host:port} (as the CLI's {@code --dimse} takes it). */
  public static DimsePeer parse(String hostPort, AeTitle called) {
    int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) throw new IllegalArgumentException("expected host:port, got '" + hostPort + "'");
    try {
      return new DimsePeer(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)), called);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port in '" + hostPort + "' is not a number");
    }
  }

  @Override
  public String toString() {
    return aeTitle + "@" + host + ":" + port;
  }
}
