package dev.grpcobs.exporter.tracing;

import dev.grpcobs.bridge.RpcTracing.RpcSpan;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs inside a class loader of its own (see {@link IsolatedClassLoaderTest}) and reports, in JDK
 * types only, what the tracing did there.
 */
public final class IsolatedProbe {

  private IsolatedProbe() {}

  public static String run() {
    Map<String, String> properties = OtelTracingTest.baseProperties();
    properties.put("otel.propagators", "b3multi,tracecontext");
    OtelTracing.StartResult result =
        OtelTracing.start(
            new TracingSettings(),
            new PrometheusRegistry(),
            properties,
            InMemorySpanExporter.create());
    if (!result.tracing().isPresent()) {
      return "failed: " + result.problem().orElse("disabled");
    }
    OtelTracing tracing = result.tracing().get();
    RpcSpan span = tracing.startClientSpan(null, "shop.Inventory/Reserve", null);
    Map<String, String> headers = new TreeMap<>();
    span.inject(headers::put);
    span.end(0, null, null);
    tracing.shutdown();
    return headers.keySet() + " exported=" + tracing.accounting().exportedCount();
  }
}
