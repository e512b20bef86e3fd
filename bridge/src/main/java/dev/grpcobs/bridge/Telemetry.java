package dev.grpcobs.bridge;

/**
 * The one place where the agent installs its signal sinks and where the gRPC-facing helpers find
 * them. Until the agent installs something, every sink is a no-op.
 */
public final class Telemetry {

  private static volatile RpcMetrics metrics = RpcMetrics.NOOP;
  private static volatile RpcTracing tracing = RpcTracing.NOOP;

  private Telemetry() {}

  public static RpcMetrics metrics() {
    return metrics;
  }

  public static void setMetrics(RpcMetrics rpcMetrics) {
    metrics = rpcMetrics == null ? RpcMetrics.NOOP : rpcMetrics;
  }

  public static RpcTracing tracing() {
    return tracing;
  }

  public static void setTracing(RpcTracing rpcTracing) {
    tracing = rpcTracing == null ? RpcTracing.NOOP : rpcTracing;
  }
}
