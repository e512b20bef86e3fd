package dev.grpcobs.bridge;

/**
 * Adds the agent's interceptors and tracers to a gRPC builder. One implementation lives in each
 * class loader that loaded {@code io.grpc}; the agent side calls it through this interface.
 */
public interface BuilderInstrumenter {

  /** {@code builder} is an {@code io.grpc.ServerBuilder} about to be built. */
  void instrumentServer(Object builder);

  /** {@code server} is an {@code io.grpc.Server} that has just started. */
  void serverStarted(Object server);

  /** {@code builder} is an {@code io.grpc.ManagedChannelBuilder} about to be built. */
  void instrumentChannel(Object builder);
}
