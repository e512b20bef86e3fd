package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.RpcLogging;
import dev.grpcobs.bridge.RpcTracing;
import dev.grpcobs.bridge.RpcTracing.RpcSpan;
import dev.grpcobs.bridge.Telemetry;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;

/**
 * Adds client-side golden-signal metrics and a CLIENT span to every call made through a channel.
 * The span's parent is the server call being handled in the current gRPC context, if any.
 */
final class ClientCallInterceptor implements ClientInterceptor {

  private final MethodMetricsCache cache = new MethodMetricsCache(false);

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    String fullMethodName = method.getFullMethodName();
    String authority =
        callOptions.getAuthority() != null ? callOptions.getAuthority() : next.authority();
    RpcTracing tracing = Telemetry.tracing();
    RpcSpan span =
        tracing.traces(fullMethodName)
            ? tracing.startClientSpan(TracingContext.current(), fullMethodName, authority)
            : RpcSpan.NOOP;
    RpcLogging logging = Telemetry.logging();
    return new InstrumentedClientCall<>(
        next.newCall(method, callOptions),
        cache.get(method),
        span,
        logging.logs(fullMethodName) ? logging : null,
        method,
        authority);
  }
}
