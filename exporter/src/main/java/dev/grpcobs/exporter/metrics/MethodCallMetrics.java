package dev.grpcobs.exporter.metrics;

import dev.grpcobs.bridge.CallMetrics;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.snapshots.Exemplar;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The data points of one (side, service, method, type), resolved once so that the per-call methods
 * touch no label map and allocate nothing.
 *
 * <p>Only {@code grpc_code} is not known up front; its data points are resolved on first use of
 * each code and kept in an array indexed by code.
 */
final class MethodCallMetrics implements CallMetrics {

  private static final double NANOS_PER_SECOND = 1_000_000_000.0;

  /** client_java's default exemplar sample interval (90 ms). */
  static final long EXEMPLAR_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(90);

  private final CounterDataPoint started;
  private final CounterDataPoint messagesReceived;
  private final CounterDataPoint messagesSent;
  private final DistributionDataPoint handlingSeconds;
  private final GaugeDataPoint inFlight;

  private final Counter handledFamily;
  private final String type;
  private final String service;
  private final String method;
  // An atomic array rather than a plain one so a data point resolved on one thread is safely
  // published to the others; a race just resolves the same (idempotent) data point twice.
  private final AtomicReferenceArray<CounterDataPoint> handledByCode =
      new AtomicReferenceArray<>(GrpcStatusCodes.KNOWN_CODE_COUNT);
  /** When the next exemplar may be offered; a race offers one more, which client_java drops. */
  private volatile long nextExemplarNanos = System.nanoTime();

  MethodCallMetrics(GrpcSideMetrics side, String service, String method, String type) {
    this.type = type;
    this.service = service;
    this.method = method;
    this.handledFamily = side.handled;
    this.started = side.started.labelValues(type, service, method);
    this.messagesReceived = side.messagesReceived.labelValues(type, service, method);
    this.messagesSent = side.messagesSent.labelValues(type, service, method);
    this.handlingSeconds = side.handlingSeconds.labelValues(type, service, method);
    this.inFlight = side.inFlight.labelValues(type, service, method);
  }

  @Override
  public void started() {
    started.inc();
    inFlight.inc();
  }

  @Override
  public void messageReceived() {
    messagesReceived.inc();
  }

  @Override
  public void messageSent() {
    messagesSent.inc();
  }

  @Override
  public void finished(int statusCode, long durationNanos) {
    inFlight.dec();
    handled(statusCode).inc();
    // A clock stepping backwards must not make the histogram's sum decrease.
    handlingSeconds.observe(Math.max(0L, durationNanos) / NANOS_PER_SECOND);
  }

  /**
   * As {@link #finished(int, long)}; with both ids, the observation may become the exemplar of its
   * latency bucket. client_java keeps at most one exemplar per bucket (replaced after 7 s) and
   * takes at most one per 90 ms per series, so the labels are built only when the same interval has
   * passed here: a busy sampled method does not allocate on every call.
   */
  @Override
  public void finished(int statusCode, long durationNanos, String traceId, String spanId) {
    if (traceId == null || spanId == null) {
      finished(statusCode, durationNanos);
      return;
    }
    inFlight.dec();
    handled(statusCode).inc();
    double seconds = Math.max(0L, durationNanos) / NANOS_PER_SECOND;
    long now = System.nanoTime();
    if (now - nextExemplarNanos >= 0) {
      nextExemplarNanos = now + EXEMPLAR_INTERVAL_NANOS;
      handlingSeconds.observeWithExemplar(
          seconds, Labels.of(Exemplar.TRACE_ID, traceId, Exemplar.SPAN_ID, spanId));
    } else {
      handlingSeconds.observe(seconds);
    }
  }

  private CounterDataPoint handled(int statusCode) {
    if (statusCode < 0 || statusCode >= GrpcStatusCodes.KNOWN_CODE_COUNT) {
      return resolveHandled(statusCode);
    }
    CounterDataPoint dataPoint = handledByCode.get(statusCode);
    if (dataPoint == null) {
      dataPoint = resolveHandled(statusCode);
      handledByCode.set(statusCode, dataPoint);
    }
    return dataPoint;
  }

  private CounterDataPoint resolveHandled(int statusCode) {
    return handledFamily.labelValues(type, service, method, GrpcStatusCodes.name(statusCode));
  }
}
