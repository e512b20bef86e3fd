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

  /** Methods this server has dispatched, for calls that close before their method is resolved. */
  private final ConcurrentMap<String, CallMetrics> knownByName = new ConcurrentHashMap<>();
  /** Fills {@link #knownByName} as a method is first resolved, so a call does one lookup. */
  private final MethodMetricsCache byDescriptor =
      new MethodMetricsCache(
          true,
          (name, metrics) -> {
            if (knownByName.size() < 4096) {
              knownByName.putIfAbsent(name, metrics);
            }
          });

  private volatile CallMetrics unknownMethod;

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
    return byDescriptor.get(method);
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
