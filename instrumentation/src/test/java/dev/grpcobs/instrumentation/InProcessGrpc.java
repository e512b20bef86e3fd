package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.RpcMetrics;
import dev.grpcobs.bridge.Telemetry;
import io.grpc.ClientInterceptor;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One test's in-process server and channels, instrumented by hand the way the agent does it, with
 * a {@link RecordingRpcMetrics} installed. Everything runs on direct executors, so most events are
 * recorded on the calling thread before a call returns.
 */
final class InProcessGrpc implements AutoCloseable {

  final RecordingRpcMetrics metrics = new RecordingRpcMetrics();

  private final String serverName = InProcessServerBuilder.generateName();
  // One instrumenter for both sides, like the agent's one per class loader.
  private final GrpcInstrumenter instrumenter = new GrpcInstrumenter();
  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  InProcessGrpc() {
    Telemetry.setMetrics(metrics);
  }

  void startServer(ServerServiceDefinition service) throws IOException {
    InProcessServerBuilder builder =
        InProcessServerBuilder.forName(serverName).directExecutor().addService(service);
    instrumenter.instrumentServer(builder);
    servers.add(builder.build().start());
  }

  /**
   * A channel with the metrics interceptor on top. {@code interceptorsBelow} sit between it and
   * the transport: the channel builder runs interceptors added later first.
   */
  ManagedChannel instrumentedChannel(ClientInterceptor... interceptorsBelow) throws Exception {
    InProcessChannelBuilder builder =
        InProcessChannelBuilder.forName(serverName).directExecutor().intercept(interceptorsBelow);
    instrumenter.instrumentChannel(builder);
    return connected(builder.build());
  }

  /** A channel without instrumentation, to compare what an application sees without us. */
  ManagedChannel plainChannel() throws Exception {
    return connected(InProcessChannelBuilder.forName(serverName).directExecutor().build());
  }

  /**
   * Waits until the channel is READY. Only then does a call go straight to the server on the
   * calling thread; before that it is queued until the connection is up, and a short deadline can
   * expire before the server has seen the call at all.
   */
  private ManagedChannel connected(ManagedChannel channel) throws Exception {
    channels.add(channel);
    CompletableFuture<Void> ready = new CompletableFuture<>();
    completeWhenReady(channel, ready);
    ready.get(10, TimeUnit.SECONDS);
    return channel;
  }

  private static void completeWhenReady(ManagedChannel channel, CompletableFuture<Void> ready) {
    ConnectivityState state = channel.getState(true);
    if (state == ConnectivityState.READY) {
      ready.complete(null);
    } else {
      channel.notifyWhenStateChanged(state, () -> completeWhenReady(channel, ready));
    }
  }

  @Override
  public void close() throws InterruptedException {
    try {
      for (ManagedChannel channel : channels) {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
      for (Server server : servers) {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    } finally {
      Telemetry.setMetrics(RpcMetrics.NOOP);
    }
  }
}
