package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.BuilderHooks;
import dev.grpcobs.bridge.BuilderInstrumenter;
import dev.grpcobs.bridge.HealthRegistry;
import dev.grpcobs.bridge.RpcTracing;
import dev.grpcobs.bridge.Telemetry;
import dev.grpcobs.bridge.ServerHealth;
import dev.grpcobs.bridge.ServerHooks;
import io.grpc.HandlerRegistry;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerServiceDefinition;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's entry into one class loader's {@code io.grpc}: adds the stream tracer, the handler
 * scope (log context, exceptions) and the health service to server builders and the interceptor to channel builders,
 * and reads started servers.
 * One instance per loader, created by the agent.
 */
public final class GrpcInstrumenter implements BuilderInstrumenter {

  private final ServerTracerFactory serverTracerFactory = new ServerTracerFactory();
  private final ServerHandlerScope handlerScope = new ServerHandlerScope();
  private final ClientCallInterceptor clientInterceptor = new ClientCallInterceptor();

  @Override
  public void instrumentServer(Object builder) {
    final ServerBuilder<?> serverBuilder = (ServerBuilder<?>) builder;
    serverBuilder.addStreamTracerFactory(serverTracerFactory);
    if (Telemetry.tracing() != RpcTracing.NOOP) {
      serverBuilder.intercept(handlerScope);
    }
    if (ServerHooks.healthServiceEnabled()) {
      final ServerHealth health = HealthRegistry.create(builder, builder.getClass().getName());
      final HandlerRegistry applicationFallback =
          (HandlerRegistry) ServerHooks.applicationFallback(builder);
      BuilderHooks.runSuppressed(
          () ->
              serverBuilder.fallbackHandlerRegistry(
                  new HealthFallbackRegistry(applicationFallback, health)));
    }
  }

  @Override
  public void serverStarted(Object server) {
    Server started = (Server) server;
    ServerHealth health = HealthRegistry.forOwner(server);
    if (health == null) {
      return;
    }
    List<String> services = new ArrayList<>();
    boolean ownHealthService = false;
    for (ServerServiceDefinition service : started.getServices()) {
      String name = service.getServiceDescriptor().getName();
      services.add(name);
      ownHealthService |= name.equals(HealthService.SERVICE_NAME);
    }
    health.started(ports(started), services, ownHealthService);
  }

  private static List<Integer> ports(Server server) {
    List<Integer> ports = new ArrayList<>();
    for (SocketAddress address : server.getListenSockets()) {
      if (address instanceof InetSocketAddress) {
        ports.add(((InetSocketAddress) address).getPort());
      }
    }
    return ports;
  }

  @Override
  public void instrumentChannel(Object builder) {
    ((ManagedChannelBuilder<?>) builder).intercept(clientInterceptor);
  }
}
