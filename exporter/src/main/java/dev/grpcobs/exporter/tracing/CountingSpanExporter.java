package dev.grpcobs.exporter.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/**
 * Wraps the configured exporter (OTLP) to count what each export achieved: every span of a batch
 * is either exported or dropped as {@code export_failed}, once its export completes. An exporter
 * that throws counts as a failed export.
 */
final class CountingSpanExporter implements SpanExporter {

  private final SpanExporter delegate;
  private final SpanExportAccounting accounting;

  CountingSpanExporter(SpanExporter delegate, SpanExportAccounting accounting) {
    this.delegate = delegate;
    this.accounting = accounting;
  }

  SpanExporter delegate() {
    return delegate;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    final int count = spans.size();
    CompletableResultCode result;
    try {
      result = delegate.export(spans);
    } catch (RuntimeException | LinkageError e) {
      accounting.exportCompleted(count, false);
      return CompletableResultCode.ofExceptionalFailure(e);
    }
    if (result == null) {
      accounting.exportCompleted(count, false);
      return CompletableResultCode.ofFailure();
    }
    final CompletableResultCode completed = result;
    completed.whenComplete(() -> accounting.exportCompleted(count, completed.isSuccess()));
    return completed;
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public String toString() {
    return "CountingSpanExporter{" + delegate + '}';
  }
}
