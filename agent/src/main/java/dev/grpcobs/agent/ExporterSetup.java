package dev.grpcobs.agent;

import dev.grpcobs.agent.config.AgentConfig;
import dev.grpcobs.agent.config.ConfigKey;
import dev.grpcobs.bridge.RpcMetrics;
import dev.grpcobs.exporter.health.HealthEndpoints;
import dev.grpcobs.exporter.health.HealthMetrics;
import dev.grpcobs.exporter.http.MetricsHttpServer;
import dev.grpcobs.exporter.metrics.AgentInfoMetric;
import dev.grpcobs.exporter.metrics.GrpcMetrics;
import dev.grpcobs.exporter.metrics.JvmMetricsInstaller;
import dev.grpcobs.exporter.tracing.OtelTracing;
import dev.grpcobs.exporter.tracing.TracingSettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sinks behind the bridge: the agent's own Prometheus registry (never the application's
 * default one) with the gRPC, JVM and health metrics, and the HTTP endpoint serving them and the
 * health probes. A port that cannot be bound costs the endpoint, not the application.
 */
final class ExporterSetup {

  private final GrpcMetrics rpcMetrics;
  private final HealthMetrics healthMetrics;
  private final OtelTracing tracing;
  private final String endpoint;

  private ExporterSetup(
      GrpcMetrics rpcMetrics, HealthMetrics healthMetrics, OtelTracing tracing, String endpoint) {
    this.rpcMetrics = rpcMetrics;
    this.healthMetrics = healthMetrics;
    this.tracing = tracing;
    this.endpoint = endpoint;
  }

  static ExporterSetup start(AgentConfig config, boolean metrics, boolean health, boolean traces) {
    PrometheusRegistry registry = new PrometheusRegistry();
    GrpcMetrics grpc = null;
    if (metrics) {
      grpc =
          new GrpcMetrics(
              registry,
              config.ascendingPositiveNumbers(ConfigKey.METRICS_LATENCY_BUCKETS),
              config.integer(ConfigKey.METRICS_MAX_METHODS, 1, 1_000_000));
      AgentInfoMetric.register(registry, config.serviceName(), AgentVersion.number());
      if (config.bool(ConfigKey.METRICS_JVM_ENABLED)) {
        Optional<String> problem = JvmMetricsInstaller.install(registry);
        problem.ifPresent(p -> AgentLog.warn("JVM metrics partly unavailable: " + p));
      }
    }
    HealthMetrics healthMetrics = health ? HealthMetrics.register(registry) : null;
    OtelTracing tracing = traces ? startTracing(config, registry) : null;
    return new ExporterSetup(grpc, healthMetrics, tracing, startHttp(config, registry, health));
  }

  private static OtelTracing startTracing(AgentConfig config, PrometheusRegistry registry) {
    List<String> excluded = new ArrayList<>();
    for (String pattern : config.string(ConfigKey.TRACES_EXCLUDE_METHODS).split(",")) {
      if (pattern.trim().isEmpty()) {
        continue;
      }
      String problem = TracingSettings.checkExcludedMethod(pattern);
      if (problem == null) {
        excluded.add(pattern.trim());
      } else {
        AgentLog.warn("traces.exclude.methods: " + problem + "; ignored");
      }
    }
    TracingSettings settings =
        new TracingSettings()
            .serviceName(config.serviceName())
            .excludedMethods(excluded)
            .maxMessageEvents(config.integer(ConfigKey.TRACES_MESSAGE_EVENTS_MAX, 0, 10_000))
            .maxQueuedSpans(config.integer(ConfigKey.TRACES_MAX_QUEUED_SPANS, 1, 1_000_000));
    OtelLogRouting.install();
    OtelTracing.StartResult result = OtelTracing.start(settings, registry);
    result.problem().ifPresent(p -> AgentLog.warn("tracing disabled, the application runs on: " + p));
    return result.tracing().orElse(null);
  }

  private static String startHttp(AgentConfig config, PrometheusRegistry registry, boolean health) {
    if (!config.bool(ConfigKey.HTTP_ENABLED)) {
      return "HTTP endpoint off (http.enabled=false)";
    }
    String host = config.string(ConfigKey.HTTP_HOST);
    MetricsHttpServer.Builder builder =
        MetricsHttpServer.builder(registry)
            .host(host)
            .port(config.integer(ConfigKey.HTTP_PORT, 0, 65535));
    if (health) {
      builder
          .handler(HealthEndpoints.LIVE, HealthEndpoints.live())
          .handler(HealthEndpoints.READY, HealthEndpoints.ready())
          .handler(HealthEndpoints.DETAIL, HealthEndpoints.detail());
    }
    try {
      int port = builder.build().start();
      return "metrics at http://" + host + ":" + port + "/metrics";
    } catch (IOException | RuntimeException e) {
      AgentLog.warn(
          "metrics endpoint disabled, the application runs on: " + e.getMessage()
              + " (set grpcobs.http.port to a free port)");
      return "metrics endpoint disabled";
    }
  }

  /** The gRPC metrics, or the no-op sink when metrics are off. */
  RpcMetrics rpcMetrics() {
    return rpcMetrics == null ? RpcMetrics.NOOP : rpcMetrics;
  }

  /** Null when tracing is off or could not start. */
  OtelTracing tracing() {
    return tracing;
  }

  /** Null when health is off. */
  HealthMetrics healthMetrics() {
    return healthMetrics;
  }

  String describeEndpoint() {
    return endpoint;
  }
}
