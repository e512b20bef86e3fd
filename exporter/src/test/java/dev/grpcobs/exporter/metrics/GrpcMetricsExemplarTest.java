package dev.grpcobs.exporter.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcobs.bridge.CallMetrics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.tracer.initializer.SpanContextSupplier;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** Latency histograms carry the ids of sampled calls as exemplars, and only those. */
class GrpcMetricsExemplarTest {

  private static final double[] BUCKETS = {0.01, 0.1, 1};
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN_ID = "00f067aa0ba902b7";
  private static final String PLACE_ORDER =
      "grpc_method=\"PlaceOrder\",grpc_service=\"shop.Orders\",grpc_type=\"unary\"";

  /** The OpenMetrics block of one family, up to the next family's TYPE line. */
  private static String openMetricsFamily(PrometheusRegistry registry, String name) {
    String text = Exposition.openMetrics(registry);
    int start = text.indexOf("# TYPE " + name + " ");
    if (start < 0) {
      return "";
    }
    int end = text.indexOf("# TYPE ", start + 1);
    return text.substring(start, end < 0 ? text.length() : end);
  }

  @Test
  void aSampledCallBecomesTheExemplarOfItsBucket() {
    PrometheusRegistry registry = new PrometheusRegistry();
    GrpcMetrics metrics = new GrpcMetrics(registry, BUCKETS, 100);
    CallMetrics call = metrics.method(true, "shop.Orders", "PlaceOrder", "unary");

    long before = System.currentTimeMillis();
    call.started();
    call.finished(0, 7_812_500L, TRACE_ID, SPAN_ID); // 1/128 s
    long after = System.currentTimeMillis();
    call.started();
    call.finished(0, 62_500_000L, null, null); // 1/16 s

    String family = openMetricsFamily(registry, GrpcMetrics.SERVER_HANDLING_SECONDS);
    String exemplarPrefix =
        "grpc_server_handling_seconds_bucket{" + PLACE_ORDER + ",le=\"0.01\"} 1"
            + " # {span_id=\"" + SPAN_ID + "\",trace_id=\"" + TRACE_ID + "\"} 0.0078125 ";
    int lineStart = family.indexOf(exemplarPrefix);
    assertTrue(lineStart >= 0, family);
    int timestampStart = lineStart + exemplarPrefix.length();
    String timestamp = family.substring(timestampStart, family.indexOf('\n', timestampStart));
    long millis = new BigDecimal(timestamp).movePointRight(3).longValueExact();
    assertTrue(before <= millis && millis <= after, timestamp);

    assertEquals(
        "# TYPE grpc_server_handling_seconds histogram\n"
            + "# UNIT grpc_server_handling_seconds seconds\n"
            + "# HELP grpc_server_handling_seconds"
            + " Time from start to finish of RPCs on the server, in seconds.\n"
            + exemplarPrefix + "TIMESTAMP\n"
            + "grpc_server_handling_seconds_bucket{" + PLACE_ORDER + ",le=\"0.1\"} 2\n"
            + "grpc_server_handling_seconds_bucket{" + PLACE_ORDER + ",le=\"1.0\"} 2\n"
            + "grpc_server_handling_seconds_bucket{" + PLACE_ORDER + ",le=\"+Inf\"} 2\n"
            + "grpc_server_handling_seconds_count{" + PLACE_ORDER + "} 2\n"
            + "grpc_server_handling_seconds_sum{" + PLACE_ORDER + "} 0.0703125\n",
        family.replace(exemplarPrefix + timestamp + "\n", exemplarPrefix + "TIMESTAMP\n"));
  }

  @Test
  void clientCallsGetExemplarsToo() {
    PrometheusRegistry registry = new PrometheusRegistry();
    GrpcMetrics metrics = new GrpcMetrics(registry, BUCKETS, 100);
    CallMetrics call = metrics.method(false, "shop.Orders", "PlaceOrder", "unary");
    call.started();
    call.finished(14, 500_000_000L, TRACE_ID, SPAN_ID);

    String family = openMetricsFamily(registry, GrpcMetrics.CLIENT_HANDLING_SECONDS);
    assertTrue(
        family.contains(
            "grpc_client_handling_seconds_bucket{" + PLACE_ORDER + ",le=\"1.0\"} 1"
                + " # {span_id=\"" + SPAN_ID + "\",trace_id=\"" + TRACE_ID + "\"} 0.5 "),
        family);
    assertEquals(1, family.split(" # \\{", -1).length - 1, family);
  }

  @Test
  void thePrometheusTextFormatIsTheSameWithOrWithoutExemplars() {
    PrometheusRegistry withIds = new PrometheusRegistry();
    PrometheusRegistry withoutIds = new PrometheusRegistry();
    CallMetrics a = new GrpcMetrics(withIds, BUCKETS, 100).method(true, "s.S", "M", "unary");
    CallMetrics b = new GrpcMetrics(withoutIds, BUCKETS, 100).method(true, "s.S", "M", "unary");
    long[] durations = {7_812_500L, 62_500_000L, 2_000_000_000L};
    for (long nanos : durations) {
      a.started();
      a.finished(5, nanos, TRACE_ID, SPAN_ID);
      b.started();
      b.finished(5, nanos);
    }
    assertTrue(Exposition.openMetrics(withIds).contains(" # {span_id="));
    assertFalse(Exposition.text(withIds).contains("#  {"));
    assertEquals(Exposition.text(withoutIds), Exposition.text(withIds));
  }

  /**
   * client_java would, on its own, take the "current span" of an OpenTelemetry API it finds as an
   * exemplar. The agent's exemplars come only from the ids it passes.
   */
  @Test
  void nothingBecomesAnExemplarWithoutExplicitIds() {
    PrometheusRegistry registry = new PrometheusRegistry();
    GrpcMetrics metrics = new GrpcMetrics(registry, BUCKETS, 100);
    assertNull(SpanContextSupplier.getSpanContext());

    CallMetrics call = metrics.method(true, "shop.Orders", "PlaceOrder", "unary");
    // (Without a span processor the SDK hands out a no-op tracer.)
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create()))
            .build();
    Span current = provider.get("test").spanBuilder("current").startSpan();
    assertTrue(current.getSpanContext().isSampled());
    try (Scope ignored = current.makeCurrent()) {
      call.started();
      call.finished(0, 7_812_500L);
      call.started();
      call.finished(0, 7_812_500L, null, null);
      call.started();
      call.finished(0, 7_812_500L, TRACE_ID, null);
      call.started();
      call.finished(0, 7_812_500L, null, SPAN_ID);
    } finally {
      current.end();
      provider.close();
    }

    String family = openMetricsFamily(registry, GrpcMetrics.SERVER_HANDLING_SECONDS);
    assertTrue(
        family.contains("grpc_server_handling_seconds_bucket{" + PLACE_ORDER + ",le=\"0.01\"} 4\n"),
        family);
    assertFalse(family.contains("#  {") || family.contains(" # {"), family);
  }
}
