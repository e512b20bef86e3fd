package dev.grpcobs.exporter.logs;

import dev.grpcobs.exporter.metrics.Registration;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * What happened to the request log lines: {@code grpcobs_logs_written_total} and
 * {@code grpcobs_logs_dropped_total{reason}} (queue_full when the writer could not keep up with a
 * slow disk or stdout, write_failed when the output refused a line). Lines left out on purpose
 * (filters, sampling, excluded methods) are neither.
 */
final class LogAccounting {

  static final String WRITTEN_TOTAL = "grpcobs_logs_written_total";
  static final String DROPPED_TOTAL = "grpcobs_logs_dropped_total";
  static final String REASON_QUEUE_FULL = "queue_full";
  static final String REASON_WRITE_FAILED = "write_failed";

  private final Counter writtenFamily;
  private final Counter droppedFamily;
  private final CounterDataPoint droppedQueueFull;
  private final CounterDataPoint droppedWriteFailed;

  LogAccounting() {
    writtenFamily =
        Counter.builder()
            .name(WRITTEN_TOTAL)
            .help("Request log lines the agent wrote.")
            .withoutExemplars()
            .build();
    droppedFamily =
        Counter.builder()
            .name(DROPPED_TOTAL)
            .help(
                "Request log lines the agent did not write: queue_full when the output was too"
                    + " slow to keep up, write_failed when writing failed.")
            .labelNames("reason")
            .withoutExemplars()
            .build();
    droppedQueueFull = droppedFamily.labelValues(REASON_QUEUE_FULL);
    droppedWriteFailed = droppedFamily.labelValues(REASON_WRITE_FAILED);
  }

  /** Registers both families, or neither (throws IllegalArgumentException on a name clash). */
  void register(PrometheusRegistry registry) {
    Registration.registerAll(registry, writtenFamily, droppedFamily);
  }

  void written() {
    writtenFamily.inc();
  }

  void droppedQueueFull() {
    droppedQueueFull.inc();
  }

  void droppedWriteFailed() {
    droppedWriteFailed.inc();
  }
}
