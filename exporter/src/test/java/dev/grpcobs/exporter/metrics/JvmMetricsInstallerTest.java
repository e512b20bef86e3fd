package dev.grpcobs.exporter.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JvmMetricsInstallerTest {

  @Test
  void registersJvmAndProcessMetrics() {
    PrometheusRegistry registry = new PrometheusRegistry();

    assertEquals(Optional.empty(), JvmMetricsInstaller.install(registry));

    String text = Exposition.text(registry);
    assertTrue(text.contains("\n# TYPE jvm_memory_used_bytes gauge\n"), text);
    assertTrue(text.contains("\n# TYPE jvm_threads_current gauge\n"), text);
    assertTrue(text.contains("\n# TYPE process_start_time_seconds gauge\n"), text);
  }

  @Test
  void reportsAFailureInsteadOfThrowing() {
    PrometheusRegistry registry = new PrometheusRegistry();
    // A name clash is a failure we can provoke on any JVM.
    Gauge.builder().name("jvm_threads_current").register(registry);

    Optional<String> problem = JvmMetricsInstaller.install(registry);

    assertTrue(problem.isPresent());
    assertTrue(problem.get().startsWith("JVM metrics not (fully) available on "), problem.get());
    assertTrue(problem.get().contains("jvm_threads_current"), problem.get());
  }
}
