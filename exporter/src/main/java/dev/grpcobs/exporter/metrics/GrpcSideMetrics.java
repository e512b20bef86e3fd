package dev.grpcobs.exporter.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The six metric families of one side (server or client) and that side's budget of distinct
 * methods.
 *
 * <p>Exemplars are off on every family but the latency histograms: those take the trace and span
 * ids of a sampled call explicitly ({@link MethodCallMetrics#finished(int, long, String, String)}),
 * linking a latency bucket to a trace. Nothing samples exemplars on its own: see {@link
 * ExplicitExemplars}.
 */
final class GrpcSideMetrics {

  static final String LABEL_TYPE = "grpc_type";
  static final String LABEL_SERVICE = "grpc_service";
  static final String LABEL_METHOD = "grpc_method";
  static final String LABEL_CODE = "grpc_code";

  final Counter started;
  final Counter handled;
  final Counter messagesReceived;
  final Counter messagesSent;
  final Histogram handlingSeconds;
  final Gauge inFlight;

  private final int maxMethods;
  private final AtomicInteger admittedMethods = new AtomicInteger();

  private GrpcSideMetrics(
      PrometheusRegistry registry,
      String startedName,
      String handledName,
      String receivedName,
      String sentName,
      String handlingName,
      String inFlightName,
      String where,
      double[] latencyBuckets,
      int maxMethods) {
    this.maxMethods = maxMethods;
    started =
        Counter.builder()
            .name(startedName)
            .help("Total number of RPCs started " + where + ".")
            .labelNames(LABEL_TYPE, LABEL_SERVICE, LABEL_METHOD)
            .withoutExemplars()
            .register(registry);
    handled =
        Counter.builder()
            .name(handledName)
            .help("Total number of RPCs finished " + where + ", by status code, success or not.")
            .labelNames(LABEL_TYPE, LABEL_SERVICE, LABEL_METHOD, LABEL_CODE)
            .withoutExemplars()
            .register(registry);
    messagesReceived =
        Counter.builder()
            .name(receivedName)
            .help("Total number of RPC messages received " + where + ".")
            .labelNames(LABEL_TYPE, LABEL_SERVICE, LABEL_METHOD)
            .withoutExemplars()
            .register(registry);
    messagesSent =
        Counter.builder()
            .name(sentName)
            .help("Total number of RPC messages sent " + where + ".")
            .labelNames(LABEL_TYPE, LABEL_SERVICE, LABEL_METHOD)
            .withoutExemplars()
            .register(registry);
    handlingSeconds =
        Histogram.builder()
            .name(handlingName)
            .unit(Unit.SECONDS)
            .help("Time from start to finish of RPCs " + where + ", in seconds.")
            .labelNames(LABEL_TYPE, LABEL_SERVICE, LABEL_METHOD)
            .classicOnly()
            .classicUpperBounds(latencyBuckets)
            .withExemplars()
            .register(registry);
    inFlight =
        Gauge.builder()
            .name(inFlightName)
            .help("Number of RPCs started " + where + " and not yet finished.")
            .labelNames(LABEL_TYPE, LABEL_SERVICE, LABEL_METHOD)
            .withoutExemplars()
            .register(registry);
  }

  static GrpcSideMetrics server(
      PrometheusRegistry registry, double[] latencyBuckets, int maxMethods) {
    return new GrpcSideMetrics(
        registry,
        GrpcMetrics.SERVER_STARTED_TOTAL,
        GrpcMetrics.SERVER_HANDLED_TOTAL,
        GrpcMetrics.SERVER_MSG_RECEIVED_TOTAL,
        GrpcMetrics.SERVER_MSG_SENT_TOTAL,
        GrpcMetrics.SERVER_HANDLING_SECONDS,
        GrpcMetrics.SERVER_IN_FLIGHT_CALLS,
        "on the server",
        latencyBuckets,
        maxMethods);
  }

  static GrpcSideMetrics client(
      PrometheusRegistry registry, double[] latencyBuckets, int maxMethods) {
    return new GrpcSideMetrics(
        registry,
        GrpcMetrics.CLIENT_STARTED_TOTAL,
        GrpcMetrics.CLIENT_HANDLED_TOTAL,
        GrpcMetrics.CLIENT_MSG_RECEIVED_TOTAL,
        GrpcMetrics.CLIENT_MSG_SENT_TOTAL,
        GrpcMetrics.CLIENT_HANDLING_SECONDS,
        GrpcMetrics.CLIENT_IN_FLIGHT_CALLS,
        "by the client",
        latencyBuckets,
        maxMethods);
  }

  /**
   * Takes one slot of this side's method budget; false once it is spent. A compare-and-set loop
   * rather than increment-then-check, so concurrent callers never push the count past the cap.
   */
  boolean tryAdmitMethod() {
    while (true) {
      int admitted = admittedMethods.get();
      if (admitted >= maxMethods) {
        return false;
      }
      if (admittedMethods.compareAndSet(admitted, admitted + 1)) {
        return true;
      }
    }
  }

  MethodCallMetrics forMethod(String service, String method, String type) {
    return new MethodCallMetrics(this, service, method, type);
  }
}
