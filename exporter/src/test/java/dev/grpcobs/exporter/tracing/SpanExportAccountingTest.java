package dev.grpcobs.exporter.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcobs.bridge.RpcTracing.RpcSpan;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bounded, non-blocking export: what happens to spans when the collector is slow, down or back. */
class SpanExportAccountingTest {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final List<OtelTracing> started = new ArrayList<>();

  @AfterEach
  void shutdown() {
    for (OtelTracing t : started) {
      t.shutdown(30, TimeUnit.SECONDS);
    }
  }

  private OtelTracing start(
      TracingSettings settings, Map<String, String> extra, SpanExporter exporter) {
    Map<String, String> properties = OtelTracingTest.baseProperties();
    properties.putAll(extra);
    OtelTracing.StartResult result = OtelTracing.start(settings, registry, properties, exporter);
    assertEquals(Optional.empty(), result.problem());
    OtelTracing tracing = result.tracing().get();
    started.add(tracing);
    return tracing;
  }

  private static void endSpans(OtelTracing tracing, int count) {
    for (int i = 0; i < count; i++) {
      RpcSpan span = tracing.startClientSpan(null, "shop.Inventory/Reserve", "inventory:50051");
      span.end(0, null, null);
    }
  }

  private String countersText() throws IOException {
    String text = PrometheusTextFormatWriter.create().toDebugString(registry.scrape());
    return text.substring(text.indexOf("# HELP " + OtelTracing.SPANS_DROPPED_TOTAL));
  }

  private static String counters(long queueFull, long exportFailed, long exported) {
    return "# HELP grpcobs_spans_dropped_total Sampled spans the agent did not export: queue_full"
        + " when too many were waiting for a slow or absent collector, export_failed when their"
        + " export failed.\n"
        + "# TYPE grpcobs_spans_dropped_total counter\n"
        + "grpcobs_spans_dropped_total{reason=\"export_failed\"} " + exportFailed + ".0\n"
        + "grpcobs_spans_dropped_total{reason=\"queue_full\"} " + queueFull + ".0\n"
        + "# HELP grpcobs_spans_exported_total Spans the agent exported to the tracing backend.\n"
        + "# TYPE grpcobs_spans_exported_total counter\n"
        + "grpcobs_spans_exported_total " + exported + ".0\n";
  }

  @Test
  void countersStartAtZero() throws IOException {
    start(new TracingSettings(), new HashMap<String, String>(), InMemorySpanExporter.create());
    assertEquals(counters(0, 0, 0), countersText());
  }

  @Test
  void exportedSpansAreCounted() throws IOException {
    InMemorySpanExporter sink = InMemorySpanExporter.create();
    OtelTracing tracing = start(new TracingSettings(), new HashMap<String, String>(), sink);
    endSpans(tracing, 7);
    assertTrue(tracing.flush(30, TimeUnit.SECONDS));
    assertEquals(7, sink.getFinishedSpanItems().size());
    assertEquals(counters(0, 0, 7), countersText());
    assertEquals(0, tracing.accounting().pending());
  }

  /**
   * The exporter is stuck in an export (a collector that does not answer): the application keeps
   * ending spans without waiting, the queue holds at most maxQueuedSpans of them (the one being
   * exported included), the rest are dropped and counted. Once the exporter is released, the
   * queued spans go out.
   */
  @Test
  void aStuckExportFillsTheQueueAndFurtherSpansAreDroppedWithoutBlocking() throws Exception {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final InMemorySpanExporter sink = InMemorySpanExporter.create();
    SpanExporter stuck =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> spans) {
            entered.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return CompletableResultCode.ofFailure();
            }
            return sink.export(spans);
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            release.countDown();
            return CompletableResultCode.ofSuccess();
          }
        };
    Map<String, String> properties = new HashMap<>();
    properties.put("otel.bsp.max.export.batch.size", "1");
    final OtelTracing tracing =
        start(new TracingSettings().maxQueuedSpans(10), properties, stuck);

    endSpans(tracing, 1);
    // Only a guard against a hang, not a performance limit.
    assertTrue(entered.await(60, TimeUnit.SECONDS), "the batch processor never exported");
    // The export is now stuck; were ending a span to wait for it, this would never return.
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> endSpans(tracing, 14));

    assertEquals(10, tracing.accounting().pending());
    assertEquals(counters(5, 0, 0), countersText());

    release.countDown();
    assertTrue(tracing.flush(30, TimeUnit.SECONDS));
    assertEquals(10, sink.getFinishedSpanItems().size());
    assertEquals(0, tracing.accounting().pending());
    assertEquals(counters(5, 0, 10), countersText());

    // Room again: new spans are exported.
    endSpans(tracing, 3);
    assertTrue(tracing.flush(30, TimeUnit.SECONDS));
    assertEquals(counters(5, 0, 13), countersText());
  }

  /** A collector that is down, then back: failed exports are counted, then export resumes. */
  @Test
  void failedExportsAreCountedAndExportResumesWhenTheCollectorIsBack() throws IOException {
    final AtomicBoolean down = new AtomicBoolean(true);
    final InMemorySpanExporter sink = InMemorySpanExporter.create();
    SpanExporter flaky =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> spans) {
            return down.get() ? CompletableResultCode.ofFailure() : sink.export(spans);
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        };
    OtelTracing tracing = start(new TracingSettings(), new HashMap<String, String>(), flaky);
    endSpans(tracing, 4);
    assertTrue(tracing.flush(30, TimeUnit.SECONDS));
    assertEquals(counters(0, 4, 0), countersText());
    assertEquals(0, tracing.accounting().pending());

    down.set(false);
    endSpans(tracing, 2);
    assertTrue(tracing.flush(30, TimeUnit.SECONDS));
    assertEquals(2, sink.getFinishedSpanItems().size());
    assertEquals(counters(0, 4, 2), countersText());
  }

  @Test
  void anExporterThatThrowsCountsAsFailed() throws IOException {
    SpanExporter throwing =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> spans) {
            throw new IllegalStateException("exporter bug");
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        };
    OtelTracing tracing = start(new TracingSettings(), new HashMap<String, String>(), throwing);
    endSpans(tracing, 3);
    assertTrue(tracing.flush(30, TimeUnit.SECONDS));
    assertEquals(counters(0, 3, 0), countersText());
    assertEquals(0, tracing.accounting().pending());
  }

  @Test
  void theBatchQueueSizeCanOnlyLowerTheBound() {
    Map<String, String> smaller = new HashMap<>();
    smaller.put("otel.bsp.max.queue.size", "5");
    assertEquals(
        5,
        start(new TracingSettings().maxQueuedSpans(10), smaller, InMemorySpanExporter.create())
            .maxPendingSpans());
    Map<String, String> larger = new HashMap<>();
    larger.put("otel.bsp.max.queue.size", "50");
    OtelTracing.StartResult result =
        OtelTracing.start(
            new TracingSettings().maxQueuedSpans(10),
            new PrometheusRegistry(),
            with(larger),
            InMemorySpanExporter.create());
    started.add(result.tracing().get());
    assertEquals(10, result.tracing().get().maxPendingSpans());
    // No exporter, nothing to bound.
    Map<String, String> none = new HashMap<>();
    none.put("otel.traces.exporter", "none");
    result =
        OtelTracing.start(new TracingSettings(), new PrometheusRegistry(), with(none), null);
    started.add(result.tracing().get());
    assertEquals(-1, result.tracing().get().maxPendingSpans());
  }

  private static Map<String, String> with(Map<String, String> extra) {
    Map<String, String> properties = OtelTracingTest.baseProperties();
    properties.putAll(extra);
    return properties;
  }

  /**
   * The production path: autoconfigure builds the OTLP exporter, pointed at a port where nothing
   * listens. Starting, tracing and shutting down must not throw, and the span is counted as failed.
   */
  @Test
  void otlpToAnAbsentCollectorCountsTheFailedExport() throws Exception {
    for (String protocol : new String[] {"grpc", "http/protobuf"}) {
      PrometheusRegistry own = new PrometheusRegistry();
      Map<String, String> properties = OtelTracingTest.baseProperties();
      properties.put("otel.exporter.otlp.protocol", protocol);
      properties.put("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + unusedPort());
      properties.put("otel.exporter.otlp.timeout", "500");
      OtelTracing.StartResult result =
          OtelTracing.start(new TracingSettings().serviceName("it"), own, properties, null);
      assertEquals(Optional.empty(), result.problem(), protocol);
      OtelTracing tracing = result.tracing().get();

      RpcSpan span = tracing.startClientSpan(null, "shop.Inventory/Reserve", "127.0.0.1:1");
      span.end(14, "unavailable", null);
      tracing.shutdown(60, TimeUnit.SECONDS);

      assertEquals(1, tracing.accounting().droppedExportFailedCount(), protocol);
      assertEquals(0, tracing.accounting().exportedCount(), protocol);
      assertEquals(0, tracing.accounting().pending(), protocol);
    }
  }

  private static int unusedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
