package dev.grpcobs.agent;

import dev.grpcobs.agent.config.AgentConfig;
import dev.grpcobs.agent.config.ConfigKey;
import dev.grpcobs.agent.instrument.GrpcBuilderInstaller;
import dev.grpcobs.agent.instrument.GrpcInstrumentation;
import dev.grpcobs.bridge.BuilderHooks;
import dev.grpcobs.bridge.HealthRegistry;
import dev.grpcobs.bridge.ServerHealth;
import dev.grpcobs.bridge.ServerHooks;
import dev.grpcobs.bridge.Telemetry;
import dev.grpcobs.exporter.health.HealthMetrics;
import dev.grpcobs.exporter.logs.RequestLog;
import dev.grpcobs.exporter.tracing.OtelTracing;
import java.lang.instrument.Instrumentation;

/**
 * Runs inside the agent's own class loader: reads the configuration, starts the signal sinks,
 * connects them to the bridge and weaves the gRPC classes. Each feature that fails is switched
 * off on its own with one line on stderr; the application always starts.
 */
public final class AgentInstaller {

  /** The application's MDC keys, the same as the OpenTelemetry Java agent's. */
  static final String MDC_TRACE_ID = "trace_id";
  static final String MDC_SPAN_ID = "span_id";
  static final String MDC_TRACE_FLAGS = "trace_flags";

  private AgentInstaller() {}

  public static void install(
      String agentArgs, Instrumentation inst, ClassLoader agentLoader, boolean lateAttach) {
    AgentConfig config = AgentConfig.load(agentArgs);
    AgentLog.setDebug(config.bool(ConfigKey.DEBUG));
    if (!config.bool(ConfigKey.ENABLED)) {
      report(config);
      AgentLog.info("disabled by configuration (enabled=false)");
      return;
    }
    BuilderHooks.setErrorReporter((what, cause) -> AgentLog.warn(what + ": " + cause));

    boolean metrics = config.bool(ConfigKey.METRICS_ENABLED);
    boolean health = config.bool(ConfigKey.HEALTH_ENABLED);
    boolean traces = config.bool(ConfigKey.TRACES_ENABLED);
    boolean logs = config.bool(ConfigKey.LOGS_ENABLED);
    int drainSeconds = config.integer(ConfigKey.HEALTH_DRAIN_SECONDS, 0, 3600);
    boolean servers = config.bool(ConfigKey.INSTRUMENTATION_SERVER_ENABLED);
    boolean channels = config.bool(ConfigKey.INSTRUMENTATION_CLIENT_ENABLED);
    if (!metrics && !health && !traces && !logs) {
      report(config);
      AgentLog.info(AgentVersion.get() + " attached with every signal switched off; gRPC is left alone");
      return;
    }
    ExporterSetup exporters = ExporterSetup.start(config, metrics, health, traces, logs);
    report(config);
    Telemetry.setMetrics(exporters.rpcMetrics());
    OtelTracing tracing = exporters.tracing();
    if (tracing != null) {
      Telemetry.setTracing(tracing);
      // Spans still queued when the JVM stops are worth a short wait, never a long one.
      Runtime.getRuntime().addShutdownHook(new Thread(tracing::shutdown, "grpcobs-traces-flush"));
    }
    RequestLog requestLog = exporters.requestLog();
    if (requestLog != null) {
      Telemetry.setLogging(requestLog);
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> requestLog.shutdown(2000), "grpcobs-logs-flush"));
    }
    if (tracing != null && config.bool(ConfigKey.LOGS_MDC_ENABLED)) {
      Telemetry.setLogCorrelationKeys(MDC_TRACE_ID, MDC_SPAN_ID, MDC_TRACE_FLAGS);
    }
    if (health && servers) {
      startHealth(exporters.healthMetrics(), drainSeconds);
    }

    GrpcBuilderInstaller installer = new GrpcBuilderInstaller(agentLoader, servers, channels);
    BuilderHooks.setInstaller(installer);
    ServerHooks.setStartListener(installer);
    GrpcInstrumentation.install(inst, agentLoader, servers, channels, health && servers);
    AgentLog.info(
        AgentVersion.get() + " attached" + (lateAttach ? " to a running JVM" : "")
            + ": service.name=" + config.serviceName() + ", " + exporters.describeEndpoint()
            + (tracing != null ? ", " + tracing.describe() : "")
            + (requestLog != null ? ", " + requestLog.describe() : ""));
  }

  private static void startHealth(HealthMetrics healthMetrics, int drainSeconds) {
    ServerHooks.setHealthServiceEnabled(true);
    ServerHooks.setDrainMillis(drainSeconds * 1000L);
    HealthRegistry.addChangeListener(
        (server, status) -> {
          healthMetrics.transition(status);
          AgentLog.info("gRPC server #" + server.id() + " " + server.ports() + " is " + status);
          if (status.equals(ServerHealth.statusName(ServerHealth.SERVING))
              && server.hasOwnHealthService()) {
            AgentLog.info(
                "gRPC server #" + server.id() + " registers its own grpc.health.v1.Health;"
                    + " the agent leaves it in charge of gRPC health checks");
          }
        });
    // On SIGTERM: NOT_SERVING at once, then keep serving for the drain delay.
    Runtime.getRuntime().addShutdownHook(new Thread(ServerHooks::jvmStopping, "grpcobs-drain"));
  }

  private static void report(AgentConfig config) {
    for (String problem : config.problems()) {
      AgentLog.warn(problem);
    }
  }
}
