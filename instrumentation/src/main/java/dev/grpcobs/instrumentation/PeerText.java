package dev.grpcobs.instrumentation;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** A peer's socket address in the forms that spans and request log lines carry. */
final class PeerText {

  private final SocketAddress address;
  /** The IP address (or host name if unresolved) of an internet address, else null. */
  final String host;
  /** The port of an internet address, else 0. */
  final int port;

  private PeerText(SocketAddress address, String host, int port) {
    this.address = address;
    this.host = host;
    this.port = port;
  }

  static PeerText of(SocketAddress address) {
    if (!(address instanceof InetSocketAddress)) {
      return new PeerText(address, null, 0);
    }
    InetSocketAddress peer = (InetSocketAddress) address;
    String host =
        peer.getAddress() != null ? peer.getAddress().getHostAddress() : peer.getHostString();
    return new PeerText(address, host, peer.getPort());
  }

  /**
   * {@code ip:port} ({@code [ip6]:port}), the text of another kind of address, or null. Made on
   * request: only request log lines want it.
   */
  String hostAndPort() {
    if (host == null) {
      return address == null ? null : address.toString();
    }
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
