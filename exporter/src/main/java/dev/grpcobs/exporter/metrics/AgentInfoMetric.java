package dev.grpcobs.exporter.metrics;

import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The {@code grpcobs_agent_info} metric: always 1, its labels say which service the agent runs in
 * and which agent version it is, so dashboards can join on them and spot a stale agent.
 */
public final class AgentInfoMetric {

  public static final String NAME = "grpcobs_agent_info";
  public static final String LABEL_SERVICE_NAME = "service_name";
  public static final String LABEL_VERSION = "version";

  private AgentInfoMetric() {}

  /**
   * Registers the metric on {@code registry} with one data point. Client_java's Info type is
   * written as a gauge of value 1 in the Prometheus text format and as an info metric in
   * OpenMetrics.
   *
   * @throws IllegalArgumentException if the registry already has a metric of that name
   */
  public static void register(PrometheusRegistry registry, String serviceName, String version) {
    Info info =
        Info.builder()
            .name(NAME)
            .help("Information about the gRPC observability agent; the value is always 1.")
            .labelNames(LABEL_SERVICE_NAME, LABEL_VERSION)
            .register(registry);
    info.setLabelValues(serviceName, version);
  }
}
