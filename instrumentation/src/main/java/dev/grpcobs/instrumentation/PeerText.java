package dev.grpcobs.instrumentation;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** A peer's socket address and its text forms, computed once per address object. */
final class PeerText {

  /** The address these texts describe (compared by identity). */
  final SocketAddress address;
  /** The IP address (or host name if unresolved) of an internet address, else null. */
  final String host;
  /** The port of an internet address, else 0. */
  final int port;
  /** {@code ip:port} ({@code [ip6]:port}), the text of another kind of address, or null. */
  final String hostAndPort;

  private PeerText(SocketAddress address, String host, int port, String hostAndPort) {
    this.address = address;
    this.host = host;
    this.port = port;
    this.hostAndPort = hostAndPort;
  }

  static PeerText of(SocketAddress address) {
    String host = CallLogs.host(address);
    int port = host == null ? 0 : ((InetSocketAddress) address).getPort();
    return new PeerText(address, host, port, CallLogs.hostAndPort(address));
  }
}
