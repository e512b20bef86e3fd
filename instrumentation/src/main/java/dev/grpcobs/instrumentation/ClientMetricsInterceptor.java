package dev.grpcobs.instrumentation;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;

/** Adds client-side golden-signal metrics to every call made through a channel. */
final class ClientMetricsInterceptor implements ClientInterceptor {

  private final MethodMetricsCache cache = new MethodMetricsCache(false);

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    return new ClientCallMetrics<>(next.newCall(method, callOptions), cache.get(method));
  }
}
