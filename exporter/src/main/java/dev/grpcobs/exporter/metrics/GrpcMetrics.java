package dev.grpcobs.exporter.metrics;

import dev.grpcobs.bridge.CallMetrics;
import dev.grpcobs.bridge.RpcMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The gRPC metric families, with the names and labels of go-grpc-middleware's Prometheus provider
 * so that existing dashboards and alerts work unchanged.
 *
 * <p>Instruments are cached per (side, service, method, type). Each side admits at most {@code
 * maxMethodsPerSide} distinct entries; later ones are reported under service and method {@link
 * RpcMetrics#OTHER} (the type is kept), so a client sending random method names cannot grow the
 * number of series without bound.
 */
public final class GrpcMetrics implements RpcMetrics {

  public static final String SERVER_STARTED_TOTAL = "grpc_server_started_total";
  public static final String SERVER_HANDLED_TOTAL = "grpc_server_handled_total";
  public static final String SERVER_MSG_RECEIVED_TOTAL = "grpc_server_msg_received_total";
  public static final String SERVER_MSG_SENT_TOTAL = "grpc_server_msg_sent_total";
  public static final String SERVER_HANDLING_SECONDS = "grpc_server_handling_seconds";
  public static final String SERVER_IN_FLIGHT_CALLS = "grpc_server_in_flight_calls";

  public static final String CLIENT_STARTED_TOTAL = "grpc_client_started_total";
  public static final String CLIENT_HANDLED_TOTAL = "grpc_client_handled_total";
  public static final String CLIENT_MSG_RECEIVED_TOTAL = "grpc_client_msg_received_total";
  public static final String CLIENT_MSG_SENT_TOTAL = "grpc_client_msg_sent_total";
  public static final String CLIENT_HANDLING_SECONDS = "grpc_client_handling_seconds";
  public static final String CLIENT_IN_FLIGHT_CALLS = "grpc_client_in_flight_calls";

  /**
   * Latency bucket upper bounds in seconds, from 100µs (in-process calls) to 2 minutes (long
   * streams). Prefer {@link #defaultLatencyBuckets()}, which cannot be modified by accident.
   */
  public static final double[] DEFAULT_LATENCY_BUCKETS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    30, 60, 120
  };

  private final GrpcSideMetrics server;
  private final GrpcSideMetrics client;
  private final ConcurrentMap<MethodKey, MethodCallMetrics> methods = new ConcurrentHashMap<>();

  /**
   * Registers the twelve gRPC families on {@code registry}.
   *
   * @param latencyBuckets upper bounds in seconds of the handling-time histograms' buckets
   * @param maxMethodsPerSide how many distinct (service, method, type) each side reports before
   *     folding new ones into {@link RpcMetrics#OTHER}
   * @throws IllegalArgumentException if a family of the same name is already registered there
   */
  public GrpcMetrics(PrometheusRegistry registry, double[] latencyBuckets, int maxMethodsPerSide) {
    if (maxMethodsPerSide < 0) {
      throw new IllegalArgumentException("maxMethodsPerSide must be >= 0: " + maxMethodsPerSide);
    }
    double[] buckets = latencyBuckets.clone();
    ExplicitExemplars.disableAutomaticSampling();
    server = GrpcSideMetrics.server(registry, buckets, maxMethodsPerSide);
    client = GrpcSideMetrics.client(registry, buckets, maxMethodsPerSide);
  }

  /** A fresh copy of {@link #DEFAULT_LATENCY_BUCKETS}. */
  public static double[] defaultLatencyBuckets() {
    return DEFAULT_LATENCY_BUCKETS.clone();
  }

  @Override
  public CallMetrics method(boolean isServer, String service, String method, String type) {
    GrpcSideMetrics side = isServer ? server : client;
    MethodKey key = new MethodKey(isServer, orOther(service), orOther(method), orOther(type));
    MethodCallMetrics known = methods.get(key);
    if (known != null) {
      return known;
    }
    // The mapping function runs at most once per key, so a key takes at most one slot; returning
    // null leaves an over-budget key out of the map, which therefore stays bounded too.
    MethodCallMetrics admitted =
        methods.computeIfAbsent(
            key, k -> side.tryAdmitMethod() ? side.forMethod(k.service, k.method, k.type) : null);
    if (admitted != null) {
      return admitted;
    }
    MethodKey folded = new MethodKey(isServer, OTHER, OTHER, key.type);
    MethodCallMetrics other = methods.get(folded);
    if (other != null) {
      return other;
    }
    return methods.computeIfAbsent(folded, k -> side.forMethod(k.service, k.method, k.type));
  }

  private static String orOther(String labelValue) {
    return labelValue == null ? OTHER : labelValue;
  }

  private static final class MethodKey {
    final boolean server;
    final String service;
    final String method;
    final String type;

    MethodKey(boolean server, String service, String method, String type) {
      this.server = server;
      this.service = service;
      this.method = method;
      this.type = type;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof MethodKey)) {
        return false;
      }
      MethodKey other = (MethodKey) o;
      return server == other.server
          && service.equals(other.service)
          && method.equals(other.method)
          && type.equals(other.type);
    }

    @Override
    public int hashCode() {
      int h = Boolean.hashCode(server);
      h = 31 * h + service.hashCode();
      h = 31 * h + method.hashCode();
      return 31 * h + type.hashCode();
    }
  }
}
