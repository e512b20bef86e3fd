package dev.grpcobs.exporter.health;

import dev.grpcobs.bridge.HealthRegistry;
import dev.grpcobs.bridge.ServerHealth;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Health as metrics: whether each instrumented server is SERVING right now, read at scrape time,
 * and a count of health transitions.
 */
public final class HealthMetrics {

  public static final String SERVING = "grpcobs_server_serving";
  public static final String TRANSITIONS = "grpcobs_server_health_transitions_total";

  private final Counter transitions;

  private HealthMetrics(Counter transitions) {
    this.transitions = transitions;
  }

  public static HealthMetrics register(PrometheusRegistry registry) {
    GaugeWithCallback.builder()
        .name(SERVING)
        .help("1 while the instrumented gRPC server is started and SERVING, else 0.")
        .labelNames("server_id", "port")
        .callback(
            callback -> {
              for (ServerHealth server : HealthRegistry.servers()) {
                String port = server.ports().isEmpty() ? "" : server.ports().get(0).toString();
                callback.call(server.isServing() ? 1 : 0, Integer.toString(server.id()), port);
              }
            })
        .register(registry);
    Counter transitions =
        Counter.builder()
            .name(TRANSITIONS)
            .help("Health transitions of instrumented gRPC servers, by new status.")
            .labelNames("status")
            .register(registry);
    return new HealthMetrics(transitions);
  }

  /** Counts one transition to {@code status} (e.g. SERVING, NOT_SERVING). */
  public void transition(String status) {
    transitions.labelValues(status).inc();
  }
}
