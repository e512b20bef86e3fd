package dev.grpcobs.exporter.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Attribute keys of the OpenTelemetry RPC semantic conventions, and the attributes derived from a
 * method name or an authority, computed once per distinct value and cached (up to a bound, since a
 * client may send any method name to a server).
 */
final class RpcAttributes {

  static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<Long> RPC_GRPC_STATUS_CODE =
      AttributeKey.longKey("rpc.grpc.status_code");
  static final AttributeKey<Long> RPC_GRPC_MESSAGES_SENT =
      AttributeKey.longKey("rpc.grpc.messages_sent");
  static final AttributeKey<Long> RPC_GRPC_MESSAGES_RECEIVED =
      AttributeKey.longKey("rpc.grpc.messages_received");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> NETWORK_PEER_ADDRESS =
      AttributeKey.stringKey("network.peer.address");
  static final AttributeKey<Long> NETWORK_PEER_PORT = AttributeKey.longKey("network.peer.port");

  static final String MESSAGE_EVENT = "rpc.message";
  static final AttributeKey<String> MESSAGE_TYPE = AttributeKey.stringKey("rpc.message.type");
  static final AttributeKey<Long> MESSAGE_ID = AttributeKey.longKey("rpc.message.id");
  static final String SENT = "SENT";
  static final String RECEIVED = "RECEIVED";

  static final String GRPC = "grpc";

  /** Entries per cache; past that, attributes are computed per call instead of cached. */
  static final int MAX_CACHED = 2048;

  private final ConcurrentMap<String, Attributes> byMethod = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Attributes> byAuthority = new ConcurrentHashMap<>();
  private final Attributes systemOnly = Attributes.of(RPC_SYSTEM, GRPC);

  /** {@code rpc.system}, {@code rpc.service} and {@code rpc.method} of a full method name. */
  Attributes method(String fullMethodName) {
    if (fullMethodName == null) {
      return systemOnly;
    }
    Attributes cached = byMethod.get(fullMethodName);
    if (cached != null) {
      return cached;
    }
    Attributes computed = computeMethod(fullMethodName);
    if (byMethod.size() < MAX_CACHED) {
      byMethod.putIfAbsent(fullMethodName, computed);
    }
    return computed;
  }

  /** {@code server.address} and {@code server.port} of a channel authority ({@code host:port}). */
  Attributes authority(String authority) {
    if (authority == null || authority.isEmpty()) {
      return Attributes.empty();
    }
    Attributes cached = byAuthority.get(authority);
    if (cached != null) {
      return cached;
    }
    Attributes computed = computeAuthority(authority);
    if (byAuthority.size() < MAX_CACHED) {
      byAuthority.putIfAbsent(authority, computed);
    }
    return computed;
  }

  private static Attributes computeMethod(String fullMethodName) {
    AttributesBuilder builder = Attributes.builder().put(RPC_SYSTEM, GRPC);
    int slash = fullMethodName.lastIndexOf('/');
    if (slash < 0) {
      builder.put(RPC_SERVICE, fullMethodName);
    } else {
      if (slash > 0) {
        builder.put(RPC_SERVICE, fullMethodName.substring(0, slash));
      }
      if (slash < fullMethodName.length() - 1) {
        builder.put(RPC_METHOD, fullMethodName.substring(slash + 1));
      }
    }
    return builder.build();
  }

  /**
   * Splits {@code [userinfo@]host[:port]}; an IPv6 literal loses its brackets. A port that is not
   * a number in 0..65535 is left out.
   */
  static Attributes computeAuthority(String authority) {
    String hostPort = authority;
    int at = hostPort.lastIndexOf('@');
    if (at >= 0) {
      hostPort = hostPort.substring(at + 1);
    }
    String host = hostPort;
    String port = null;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close > 0) {
        host = hostPort.substring(1, close);
        if (close + 1 < hostPort.length() && hostPort.charAt(close + 1) == ':') {
          port = hostPort.substring(close + 2);
        }
      }
    } else {
      int colon = hostPort.lastIndexOf(':');
      // More than one colon without brackets: an IPv6 literal without a port.
      if (colon >= 0 && hostPort.indexOf(':') == colon) {
        host = hostPort.substring(0, colon);
        port = hostPort.substring(colon + 1);
      }
    }
    AttributesBuilder builder = Attributes.builder();
    if (!host.isEmpty()) {
      builder.put(SERVER_ADDRESS, host);
    }
    long portNumber = parsePort(port);
    if (portNumber >= 0) {
      builder.put(SERVER_PORT, portNumber);
    }
    return builder.build();
  }

  private static long parsePort(String port) {
    if (port == null || port.isEmpty() || port.length() > 5) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < port.length(); i++) {
      char c = port.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value <= 65535 ? value : -1;
  }
}
