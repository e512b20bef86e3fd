package dev.grpcobs.exporter.metrics;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;

/** Adds client_java's JVM and process metrics ({@code jvm_*}, {@code process_*}) to a registry. */
public final class JvmMetricsInstaller {

  private JvmMetricsInstaller() {}

  /**
   * Registers the JVM metrics. Never throws: a JVM lacking some management bean must not cost the
   * application its gRPC metrics.
   *
   * @return empty if everything was registered, otherwise one line saying what failed; metrics
   *     registered before the failure stay registered
   */
  public static Optional<String> install(PrometheusRegistry registry) {
    try {
      JvmMetrics.builder().register(registry);
      return Optional.empty();
    } catch (RuntimeException | LinkageError e) {
      return Optional.of("JVM metrics not (fully) available on " + runningJvm() + ": " + e);
    }
  }

  private static String runningJvm() {
    return System.getProperty("java.vm.name", "this JVM")
        + " "
        + System.getProperty("java.version", "");
  }
}
