package dev.grpcobs.exporter.tracing;

import dev.grpcobs.exporter.metrics.Registration;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What became of the sampled spans handed to the export pipeline: how many wait for export (queued
 * in the batch processor or in an export under way), and the counters of exported and dropped
 * spans.
 *
 * <p>Every sampled span that reaches {@link BoundedSpanProcessor} ends up in exactly one of:
 * dropped as {@code queue_full} right there, or handed to the exporter and counted as exported or
 * {@code export_failed} when that export completes.
 */
final class SpanExportAccounting {

  static final String EXPORTED_TOTAL = "grpcobs_spans_exported_total";
  static final String DROPPED_TOTAL = "grpcobs_spans_dropped_total";
  static final String LABEL_REASON = "reason";
  static final String REASON_QUEUE_FULL = "queue_full";
  static final String REASON_EXPORT_FAILED = "export_failed";

  private final Counter exportedFamily;
  private final Counter droppedFamily;
  private final CounterDataPoint exported;
  private final CounterDataPoint droppedQueueFull;
  private final CounterDataPoint droppedExportFailed;
  private final AtomicInteger pending = new AtomicInteger();

  /** Creates the counters without registering them; see {@link #register}. */
  SpanExportAccounting() {
    exportedFamily =
        Counter.builder()
            .name(EXPORTED_TOTAL)
            .help("Spans the agent exported to the tracing backend.")
            .withoutExemplars()
            .build();
    droppedFamily =
        Counter.builder()
            .name(DROPPED_TOTAL)
            .help(
                "Sampled spans the agent did not export: queue_full when too many were waiting"
                    + " for a slow or absent collector, export_failed when their export failed.")
            .labelNames(LABEL_REASON)
            .withoutExemplars()
            .build();
    exported = exportedFamily;
    droppedQueueFull = droppedFamily.labelValues(REASON_QUEUE_FULL);
    droppedExportFailed = droppedFamily.labelValues(REASON_EXPORT_FAILED);
  }

  /**
   * Registers both families.
   *
   * @throws IllegalArgumentException if the registry already has a family of either name (then
   *     neither stays registered)
   */
  void register(PrometheusRegistry registry) {
    Registration.registerAll(registry, exportedFamily, droppedFamily);
  }

  void unregister(PrometheusRegistry registry) {
    registry.unregister(exportedFamily);
    registry.unregister(droppedFamily);
  }

  /** Takes one slot of the queue; false (and counted as dropped) if {@code max} are taken. */
  boolean tryEnqueue(int max) {
    while (true) {
      int current = pending.get();
      if (current >= max) {
        droppedQueueFull.inc();
        return false;
      }
      if (pending.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  /** An export of {@code spans} spans completed. */
  void exportCompleted(int spans, boolean success) {
    pending.addAndGet(-spans);
    if (success) {
      exported.inc(spans);
    } else {
      droppedExportFailed.inc(spans);
    }
  }

  int pending() {
    return pending.get();
  }

  long exportedCount() {
    return exported.getLongValue();
  }

  long droppedQueueFullCount() {
    return droppedQueueFull.getLongValue();
  }

  long droppedExportFailedCount() {
    return droppedExportFailed.getLongValue();
  }
}
