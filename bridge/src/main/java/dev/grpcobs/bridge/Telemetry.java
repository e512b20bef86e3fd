package dev.grpcobs.bridge;

/**
 * The one place where the agent installs its signal sinks and where the gRPC-facing helpers find
 * them. Until the agent installs something, every sink is a no-op.
 */
public final class Telemetry {

  private static volatile RpcMetrics metrics = RpcMetrics.NOOP;
  private static volatile RpcTracing tracing = RpcTracing.NOOP;
  private static volatile RpcLogging logging = RpcLogging.NOOP;
  private static volatile String[] correlationKeys;

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

  public static RpcLogging logging() {
    return logging;
  }

  public static void setLogging(RpcLogging rpcLogging) {
    logging = rpcLogging == null ? RpcLogging.NOOP : rpcLogging;
  }

  /**
   * The MDC keys (trace id, span id, trace flags) under which the ids of the call being handled
   * are put into the application's logging context, or null when that is switched off.
   */
  public static String[] logCorrelationKeys() {
    return correlationKeys;
  }

  public static void setLogCorrelationKeys(String traceIdKey, String spanIdKey, String flagsKey) {
    correlationKeys =
        traceIdKey == null ? null : new String[] {traceIdKey, spanIdKey, flagsKey};
  }
}
