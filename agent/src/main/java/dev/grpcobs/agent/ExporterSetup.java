package dev.grpcobs.agent;

import dev.grpcobs.agent.config.AgentConfig;
import dev.grpcobs.agent.config.ConfigKey;
import dev.grpcobs.bridge.RpcMetrics;
import dev.grpcobs.exporter.MethodExclusions;
import dev.grpcobs.exporter.health.HealthEndpoints;
import dev.grpcobs.exporter.health.HealthMetrics;
import dev.grpcobs.exporter.http.MetricsHttpServer;
import dev.grpcobs.exporter.logs.LogSettings;
import dev.grpcobs.exporter.logs.RequestLog;
import dev.grpcobs.exporter.metrics.AgentInfoMetric;
import dev.grpcobs.exporter.metrics.GrpcMetrics;
import dev.grpcobs.exporter.metrics.JvmMetricsInstaller;
import dev.grpcobs.exporter.tracing.OtelTracing;
import dev.grpcobs.exporter.tracing.TracingSettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Paths;
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
  private final RequestLog requestLog;
  private final String endpoint;

  private ExporterSetup(
      GrpcMetrics rpcMetrics,
      HealthMetrics healthMetrics,
      OtelTracing tracing,
      RequestLog requestLog,
      String endpoint) {
    this.rpcMetrics = rpcMetrics;
    this.healthMetrics = healthMetrics;
    this.tracing = tracing;
    this.requestLog = requestLog;
    this.endpoint = endpoint;
  }

  static ExporterSetup start(
      AgentConfig config, boolean metrics, boolean health, boolean traces, boolean logs) {
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
    RequestLog requestLog = logs ? startRequestLog(config, registry) : null;
    return new ExporterSetup(
        grpc, healthMetrics, tracing, requestLog, startHttp(config, registry, health));
  }

  private static OtelTracing startTracing(AgentConfig config, PrometheusRegistry registry) {
    TracingSettings settings =
        new TracingSettings()
            .serviceName(config.serviceName())
            .excludedMethods(
                config.list(ConfigKey.TRACES_EXCLUDE_METHODS, MethodExclusions::check))
            .maxMessageEvents(config.integer(ConfigKey.TRACES_MESSAGE_EVENTS_MAX, 0, 10_000))
            .maxQueuedSpans(config.integer(ConfigKey.TRACES_MAX_QUEUED_SPANS, 1, 1_000_000));
    OtelLogRouting.install();
    OtelTracing.StartResult result = OtelTracing.start(settings, registry);
    result.problem().ifPresent(p -> AgentLog.warn("tracing disabled, the application runs on: " + p));
    return result.tracing().orElse(null);
  }

  private static RequestLog startRequestLog(AgentConfig config, PrometheusRegistry registry) {
    String file = config.string(ConfigKey.LOGS_FILE);
    LogSettings settings =
        new LogSettings()
            .serviceName(config.serviceName())
            .file(file.isEmpty() ? null : Paths.get(file))
            .maxFileSize(config.checked(ConfigKey.LOGS_FILE_MAX_SIZE, LogSettings::checkFileSize))
            .maxHistoryDays(config.integer(ConfigKey.LOGS_FILE_MAX_HISTORY, 1, 36_500))
            .totalSizeCap(
                config.checked(ConfigKey.LOGS_FILE_TOTAL_SIZE_CAP, LogSettings::checkFileSize))
            .compress(config.bool(ConfigKey.LOGS_FILE_COMPRESS))
            .queueSize(config.integer(ConfigKey.LOGS_QUEUE_SIZE, 1, 10_000_000))
            .levels(
                config.checked(ConfigKey.LOGS_LEVEL_OK, LogSettings::checkLevel),
                config.checked(ConfigKey.LOGS_LEVEL_CLIENT_ERROR, LogSettings::checkLevel),
                config.checked(ConfigKey.LOGS_LEVEL_SERVER_ERROR, LogSettings::checkLevel))
            .errorsOnly(config.bool(ConfigKey.LOGS_ERRORS_ONLY))
            .minDurationMillis(config.integer(ConfigKey.LOGS_MIN_DURATION_MS, 0, Integer.MAX_VALUE))
            .sampleRatio(
                Double.parseDouble(
                    config.checked(ConfigKey.LOGS_SAMPLE_RATIO, LogSettings::checkSampleRatio)))
            .excludedMethods(config.list(ConfigKey.LOGS_EXCLUDE_METHODS, MethodExclusions::check))
            .metadataKeys(config.list(ConfigKey.LOGS_METADATA, LogSettings::checkMetadataKey))
            .maxValueLength(config.integer(ConfigKey.LOGS_VALUE_MAX_LENGTH, 16, 1_000_000));
    for (String codeLevel : config.list(ConfigKey.LOGS_LEVEL_CODES, LogSettings::checkCodeLevel)) {
      settings.codeLevel(codeLevel);
    }
    try {
      return RequestLog.start(settings, registry, AgentLog::warn);
    } catch (RuntimeException | LinkageError e) {
      AgentLog.warn("request logs disabled, the application runs on: " + e);
      return null;
    }
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

  /** Null when request logs are off or could not start. */
  RequestLog requestLog() {
    return requestLog;
  }

  /** Null when health is off. */
  HealthMetrics healthMetrics() {
    return healthMetrics;
  }

  String describeEndpoint() {
    return endpoint;
  }
}
