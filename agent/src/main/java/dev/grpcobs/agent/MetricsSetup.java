package dev.grpcobs.agent;

import dev.grpcobs.agent.config.AgentConfig;
import dev.grpcobs.agent.config.ConfigKey;
import dev.grpcobs.bridge.RpcMetrics;
import dev.grpcobs.exporter.http.MetricsHttpServer;
import dev.grpcobs.exporter.metrics.AgentInfoMetric;
import dev.grpcobs.exporter.metrics.GrpcMetrics;
import dev.grpcobs.exporter.metrics.JvmMetricsInstaller;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.Optional;

/**
 * The Prometheus side of the agent: its own registry (never the application's default one), the
 * gRPC and JVM metrics, and the HTTP endpoint. A port that cannot be bound costs the endpoint, not
 * the application.
 */
final class MetricsSetup {

  private final GrpcMetrics rpcMetrics;
  private final String endpoint;

  private MetricsSetup(GrpcMetrics rpcMetrics, String endpoint) {
    this.rpcMetrics = rpcMetrics;
    this.endpoint = endpoint;
  }

  static MetricsSetup start(AgentConfig config) {
    PrometheusRegistry registry = new PrometheusRegistry();
    GrpcMetrics grpc =
        new GrpcMetrics(
            registry,
            config.ascendingPositiveNumbers(ConfigKey.METRICS_LATENCY_BUCKETS),
            config.integer(ConfigKey.METRICS_MAX_METHODS, 1, 1_000_000));
    AgentInfoMetric.register(registry, config.serviceName(), AgentVersion.number());
    if (config.bool(ConfigKey.METRICS_JVM_ENABLED)) {
      Optional<String> problem = JvmMetricsInstaller.install(registry);
      problem.ifPresent(p -> AgentLog.warn("JVM metrics partly unavailable: " + p));
    }
    return new MetricsSetup(grpc, startHttp(config, registry));
  }

  private static String startHttp(AgentConfig config, PrometheusRegistry registry) {
    if (!config.bool(ConfigKey.HTTP_ENABLED)) {
      return "HTTP endpoint off (http.enabled=false)";
    }
    String host = config.string(ConfigKey.HTTP_HOST);
    MetricsHttpServer server =
        MetricsHttpServer.builder(registry)
            .host(host)
            .port(config.integer(ConfigKey.HTTP_PORT, 0, 65535))
            .build();
    try {
      int port = server.start();
      return "metrics at http://" + host + ":" + port + "/metrics";
    } catch (IOException | RuntimeException e) {
      AgentLog.warn(
          "metrics endpoint disabled, the application runs on: " + e.getMessage()
              + " (set grpcobs.http.port to a free port)");
      return "metrics endpoint disabled";
    }
  }

  RpcMetrics rpcMetrics() {
    return rpcMetrics;
  }

  String describeEndpoint() {
    return endpoint;
  }
}
