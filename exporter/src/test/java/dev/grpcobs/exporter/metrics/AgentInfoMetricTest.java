package dev.grpcobs.exporter.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

class AgentInfoMetricTest {

  @Test
  void rendersAsAGaugeOfOneInPrometheusText() {
    PrometheusRegistry registry = new PrometheusRegistry();
    AgentInfoMetric.register(registry, "orders", "0.1.0");

    assertEquals(
        "# HELP grpcobs_agent_info"
            + " Information about the gRPC observability agent; the value is always 1.\n"
            + "# TYPE grpcobs_agent_info gauge\n"
            + "grpcobs_agent_info{service_name=\"orders\",version=\"0.1.0\"} 1\n",
        Exposition.text(registry));
  }

  @Test
  void rendersAsAnInfoMetricInOpenMetrics() {
    PrometheusRegistry registry = new PrometheusRegistry();
    AgentInfoMetric.register(registry, "orders", "0.1.0");

    assertEquals(
        "# TYPE grpcobs_agent info\n"
            + "# HELP grpcobs_agent"
            + " Information about the gRPC observability agent; the value is always 1.\n"
            + "grpcobs_agent_info{service_name=\"orders\",version=\"0.1.0\"} 1\n"
            + "# EOF\n",
        OpenMetricsTextFormatWriter.create().toDebugString(registry.scrape()));
  }
}
