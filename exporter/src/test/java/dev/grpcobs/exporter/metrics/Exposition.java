package dev.grpcobs.exporter.metrics;

import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Renders a registry the way a Prometheus server scraping it would see it. */
final class Exposition {

  private Exposition() {}

  static String text(PrometheusRegistry registry) {
    return PrometheusTextFormatWriter.create().toDebugString(registry.scrape());
  }

  /** The OpenMetrics exposition (what Prometheus asks for when it wants exemplars). */
  static String openMetrics(PrometheusRegistry registry) {
    return OpenMetricsTextFormatWriter.create().toDebugString(registry.scrape());
  }

  /**
   * The block of one metric family: its HELP and TYPE lines and its samples, up to the next
   * family; empty if the family has no samples (client_java then writes nothing for it).
   */
  static String family(PrometheusRegistry registry, String name) {
    String text = text(registry);
    int start = text.indexOf("# HELP " + name + " ");
    if (start < 0) {
      return "";
    }
    int end = text.indexOf("# HELP ", start + 1);
    return text.substring(start, end < 0 ? text.length() : end);
  }
}
