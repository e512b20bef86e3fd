package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.CallMetrics;
import dev.grpcobs.bridge.RpcLogging;
import dev.grpcobs.bridge.RpcMetrics;
import dev.grpcobs.bridge.RpcTracing;
import dev.grpcobs.bridge.RpcTracing.RpcSpan;
import dev.grpcobs.bridge.Telemetry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerStreamTracer;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Server metrics and spans come from a stream tracer rather than an interceptor: the transport
 * creates a tracer for every stream, so calls rejected before any handler runs (unknown method,
 * message too large, bad compression) are counted too, and the tracer sees the request headers
 * before the call's gRPC context is made, which is where the span is put for the handler.
 */
final class ServerTracerFactory extends ServerStreamTracer.Factory {

  static final String UNRESOLVED_METHOD = RpcMetrics.OTHER + "/" + RpcMetrics.OTHER;

  private final MethodMetricsCache byDescriptor = new MethodMetricsCache(true);
  /** Methods this server has dispatched, for calls that close before their method is resolved. */
  private final ConcurrentMap<String, CallMetrics> knownByName = new ConcurrentHashMap<>();

  private volatile CallMetrics unknownMethod;
  /** The text of the last peer address seen: calls on one connection share its address object. */
  private volatile PeerText lastPeer = PeerText.of(null);

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, final Metadata headers) {
    long startNanos = System.nanoTime();
    RpcTracing tracing = Telemetry.tracing();
    RpcSpan span =
        tracing.traces(fullMethodName)
            ? tracing.startServerSpan(fullMethodName, name -> header(headers, name))
            : RpcSpan.NOOP;
    ServerCallTracer tracer = new ServerCallTracer(this, fullMethodName, startNanos, span);
    RpcLogging logging = Telemetry.logging();
    if (logging.logs(fullMethodName)) {
      tracer.logTo(logging, headers);
    }
    return tracer;
  }

  private static String header(Metadata headers, String name) {
    return headers.get(AsciiHeaderKeys.of(name));
  }

  CallMetrics resolved(MethodDescriptor<?, ?> method) {
    CallMetrics metrics = byDescriptor.get(method);
    String name = method.getFullMethodName();
    // A lookup first: it is nearly always there already, and a lookup takes no lock.
    if (!knownByName.containsKey(name) && knownByName.size() < 4096) {
      knownByName.putIfAbsent(name, metrics);
    }
    return metrics;
  }

  /**
   * The peer address of a call as text. Formatting an address costs a few allocations, and the
   * calls of one connection all carry the same address object, so the last one is kept; calls
   * from many connections interleaved just format theirs anew.
   */
  PeerText peer(SocketAddress address) {
    PeerText last = lastPeer;
    if (last.address == address) {
      return last;
    }
    PeerText text = PeerText.of(address);
    lastPeer = text;
    return text;
  }

  /**
   * Instruments for a call that closed without the server ever dispatching it: the method it
   * named, if this server is known to serve it, otherwise one bounded "other" series.
   */
  CallMetrics unresolved(String fullMethodName) {
    CallMetrics known = knownByName.get(fullMethodName);
    if (known != null) {
      return known;
    }
    CallMetrics other = unknownMethod;
    if (other == null) {
      other =
          Telemetry.metrics()
              .method(true, RpcMetrics.OTHER, RpcMetrics.OTHER, MethodLabels.UNKNOWN_TYPE);
      unknownMethod = other;
    }
    return other;
  }

  boolean isKnown(String fullMethodName) {
    return knownByName.containsKey(fullMethodName);
  }
}
