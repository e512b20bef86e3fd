package dev.grpcobs.agent;

import dev.grpcobs.exporter.tracing.OtelTracing;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The bundled OpenTelemetry SDK logs through java.util.logging under its (relocated) package
 * name, which would land in the application's JUL configuration. Its records are taken off the
 * application's handlers and become agent warnings on stderr, at most one a minute: a collector
 * that is down must not flood the application's output (every lost span is counted in
 * {@code grpcobs_spans_dropped_total} anyway).
 */
final class OtelLogRouting extends Handler {

  private static final long MIN_GAP_NANOS = 60_000_000_000L;

  // JUL holds loggers weakly; keep ours so its settings survive.
  private static Logger sdkLogger;

  private long lastPrinted = System.nanoTime() - MIN_GAP_NANOS;
  private int suppressed;

  static synchronized void install() {
    sdkLogger = Logger.getLogger(OtelTracing.sdkLoggerName());
    sdkLogger.setUseParentHandlers(false);
    sdkLogger.setLevel(Level.WARNING);
    sdkLogger.addHandler(new OtelLogRouting());
  }

  @Override
  public synchronized void publish(LogRecord record) {
    if (record == null || record.getLevel().intValue() < Level.WARNING.intValue()) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastPrinted < MIN_GAP_NANOS) {
      suppressed++;
      return;
    }
    lastPrinted = now;
    String more = suppressed > 0 ? " (" + suppressed + " similar messages suppressed)" : "";
    suppressed = 0;
    Throwable cause = record.getThrown();
    AgentLog.warn(
        "tracing: " + record.getMessage() + (cause != null ? ": " + cause : "") + more);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
