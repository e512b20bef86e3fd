package dev.grpcobs.agent;

import dev.grpcobs.agent.config.AgentConfig;
import dev.grpcobs.agent.config.ConfigKey;
import dev.grpcobs.agent.instrument.GrpcBuilderInstaller;
import dev.grpcobs.agent.instrument.GrpcInstrumentation;
import dev.grpcobs.bridge.BuilderHooks;
import dev.grpcobs.bridge.Telemetry;
import java.lang.instrument.Instrumentation;

/**
 * Runs inside the agent's own class loader: reads the configuration, starts the signal sinks,
 * connects them to the bridge and weaves the gRPC builders. Each feature that fails is switched
 * off on its own with one line on stderr; the application always starts.
 */
public final class AgentInstaller {

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

    MetricsSetup metrics = config.bool(ConfigKey.METRICS_ENABLED) ? MetricsSetup.start(config) : null;
    report(config);
    if (metrics == null) {
      AgentLog.info(AgentVersion.get() + " attached with every signal switched off; gRPC is left alone");
      return;
    }
    Telemetry.setMetrics(metrics.rpcMetrics());

    boolean servers = config.bool(ConfigKey.INSTRUMENTATION_SERVER_ENABLED);
    boolean channels = config.bool(ConfigKey.INSTRUMENTATION_CLIENT_ENABLED);
    BuilderHooks.setInstaller(new GrpcBuilderInstaller(agentLoader, servers, channels));
    GrpcInstrumentation.install(inst, agentLoader, servers, channels);
    AgentLog.info(
        AgentVersion.get() + " attached" + (lateAttach ? " to a running JVM" : "")
            + ": service.name=" + config.serviceName() + ", " + metrics.describeEndpoint());
  }

  private static void report(AgentConfig config) {
    for (String problem : config.problems()) {
      AgentLog.warn(problem);
    }
  }
}
