package dev.grpcobs.exporter.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Registers metric families that only make sense together. */
public final class Registration {

  private Registration() {}

  /**
   * Registers every family, or none of them.
   *
   * @throws IllegalArgumentException if the registry already has a family of one of the names
   *     (then none of {@code families} stays registered)
   */
  public static void registerAll(PrometheusRegistry registry, Collector... families) {
    int done = 0;
    try {
      for (Collector family : families) {
        registry.register(family);
        done++;
      }
    } catch (RuntimeException e) {
      for (int i = 0; i < done; i++) {
        registry.unregister(families[i]);
      }
      throw e;
    }
  }
}
