package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.BuilderInstrumenter;
import io.grpc.ManagedChannelBuilder;
import io.grpc.ServerBuilder;

/**
 * The agent's entry into one class loader's {@code io.grpc}: adds the stream tracer to server
 * builders and the interceptor to channel builders. One instance per loader, created by the agent.
 */
public final class GrpcInstrumenter implements BuilderInstrumenter {

  private final ServerMetricsTracerFactory serverTracerFactory = new ServerMetricsTracerFactory();
  private final ClientMetricsInterceptor clientInterceptor = new ClientMetricsInterceptor();

  @Override
  public void instrumentServer(Object builder) {
    ((ServerBuilder<?>) builder).addStreamTracerFactory(serverTracerFactory);
  }

  @Override
  public void instrumentChannel(Object builder) {
    ((ManagedChannelBuilder<?>) builder).intercept(clientInterceptor);
  }
}
