package dev.grpcobs.it.app;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uses the application's own copies of libraries the agent also bundles (other versions), the way
 * a real application would, and reports what it saw: the agent must not change any of it.
 */
final class OwnLibraries {

  private OwnLibraries() {}

  static String exercise() throws Exception {
    StringBuilder report = new StringBuilder("own-libraries");

    String generated =
        new ByteBuddy()
            .subclass(Object.class)
            .method(ElementMatchers.named("toString"))
            .intercept(FixedValue.value("made-by-app-bytebuddy"))
            .make()
            .load(OwnLibraries.class.getClassLoader())
            .getLoaded()
            .getDeclaredConstructor()
            .newInstance()
            .toString();
    report.append(" bytebuddy=").append(generated)
        .append('@').append(jarName(ByteBuddy.class));

    PrometheusRegistry registry = new PrometheusRegistry();
    Counter counter = Counter.builder().name("app_own_counter_total").help("the app's own").register(registry);
    counter.inc(3);
    HTTPServer appMetrics = HTTPServer.builder().port(0).registry(registry).buildAndStart();
    report.append(" prometheus-port=").append(appMetrics.getPort());

    AtomicInteger exported = new AtomicInteger();
    SpanExporter exporter =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> spans) {
            exported.addAndGet(spans.size());
            return CompletableResultCode.ofSuccess();
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
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .build();
    Tracer tracer = sdk.getTracer("app");
    Span span = tracer.spanBuilder("app-span").startSpan();
    span.end();
    report.append(" otel-spans=").append(exported.get());

    Logger log = LoggerFactory.getLogger(OwnLibraries.class);
    log.info("app's own logback says hello");
    report.append(" slf4j=").append(LoggerFactory.getILoggerFactory().getClass().getName());
    return report.toString();
  }

  /** The jar a class came from, e.g. {@code byte-buddy-1.14.18.jar}. */
  private static String jarName(Class<?> type) {
    String path = type.getProtectionDomain().getCodeSource().getLocation().getPath();
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
