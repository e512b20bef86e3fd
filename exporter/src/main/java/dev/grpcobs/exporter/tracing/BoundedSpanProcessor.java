package dev.grpcobs.exporter.tracing;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * Sits in front of the batch span processor and bounds the sampled spans waiting for export
 * (queued, or in an export under way). Past the bound a span is dropped right here and counted,
 * so neither memory nor the application thread that ended the span ever waits for a slow or absent
 * collector: admitting a span is one compare-and-set, and the batch processor's own hand-off never
 * blocks either.
 *
 * <p>The bound is at most the batch processor's queue size, so the batch processor never drops a
 * span silently: whatever it is handed reaches the exporter, which counts the outcome.
 */
final class BoundedSpanProcessor implements SpanProcessor {

  private final SpanProcessor delegate;
  private final SpanExportAccounting accounting;
  private final int maxPending;

  BoundedSpanProcessor(SpanProcessor delegate, SpanExportAccounting accounting, int maxPending) {
    this.delegate = delegate;
    this.accounting = accounting;
    this.maxPending = maxPending;
  }

  int maxPending() {
    return maxPending;
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    if (delegate.isStartRequired()) {
      delegate.onStart(parentContext, span);
    }
  }

  @Override
  public boolean isStartRequired() {
    return delegate.isStartRequired();
  }

  @Override
  public void onEnd(ReadableSpan span) {
    // The batch processor exports sampled spans only; the others are not ours to count.
    if (!span.getSpanContext().isSampled()) {
      return;
    }
    if (accounting.tryEnqueue(maxPending)) {
      delegate.onEnd(span);
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public CompletableResultCode forceFlush() {
    return delegate.forceFlush();
  }

  @Override
  public String toString() {
    return "BoundedSpanProcessor{maxPending=" + maxPending + ", delegate=" + delegate + '}';
  }
}
