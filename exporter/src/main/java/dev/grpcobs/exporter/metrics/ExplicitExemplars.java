package dev.grpcobs.exporter.metrics;

import io.prometheus.metrics.tracer.initializer.SpanContextSupplier;

/**
 * Makes client_java record only the exemplars it is given.
 *
 * <p>A histogram with exemplars enabled also samples exemplars on its own: every so often (at most
 * once per 90 ms and series) a plain {@code observe()} asks {@link SpanContextSupplier} for "the
 * current span", which client_java finds through whatever OpenTelemetry API or agent it can see.
 * The agent's spans are never "current" (they live in the gRPC context), and another tracer's spans
 * must not become the agent's exemplars, so the supplier is cleared: such an attempt then finds no
 * span and records nothing. The exemplars the agent passes explicitly carry their own trace and
 * span ids and never consult the supplier.
 *
 * <p>The supplier is a static of client_java; in the agent's jar client_java is relocated, so this
 * affects the agent's copy only.
 */
final class ExplicitExemplars {

  private ExplicitExemplars() {}

  /** Idempotent. Loading the supplier class runs its detection once; the result is discarded. */
  static void disableAutomaticSampling() {
    try {
      SpanContextSupplier.setSpanContext(null);
    } catch (LinkageError e) {
      // Without the tracer modules there is nothing that could sample on its own either.
    }
  }
}
