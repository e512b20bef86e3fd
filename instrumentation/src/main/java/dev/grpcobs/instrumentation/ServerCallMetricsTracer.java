package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.CallMetrics;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Follows one server stream. Its labels are only known once the server has looked the method up
 * ({@link #serverCallStarted}); messages seen before that are held and replayed, and a stream that
 * closes without ever being dispatched is recorded against the name it asked for (if the server
 * serves it) or the bounded "other" series.
 */
final class ServerCallMetricsTracer extends ServerStreamTracer {

  private final ServerMetricsTracerFactory factory;
  private final String fullMethodName;
  private final long startNanos;
  private final AtomicBoolean closed = new AtomicBoolean();

  private volatile CallMetrics metrics;
  // Guarded by this; only used while metrics is still null.
  private int pendingReceived;
  private int pendingSent;

  ServerCallMetricsTracer(
      ServerMetricsTracerFactory factory, String fullMethodName, long startNanos) {
    this.factory = factory;
    this.fullMethodName = fullMethodName;
    this.startNanos = startNanos;
  }

  @Override
  public void serverCallStarted(ServerCallInfo<?, ?> callInfo) {
    resolve(factory.resolved(callInfo.getMethodDescriptor()));
  }

  @Override
  public void inboundMessage(int seqNo) {
    CallMetrics m = metrics;
    if (m == null) {
      synchronized (this) {
        m = metrics;
        if (m == null) {
          pendingReceived++;
          return;
        }
      }
    }
    m.messageReceived();
  }

  @Override
  public void outboundMessage(int seqNo) {
    CallMetrics m = metrics;
    if (m == null) {
      synchronized (this) {
        m = metrics;
        if (m == null) {
          pendingSent++;
          return;
        }
      }
    }
    m.messageSent();
  }

  @Override
  public void streamClosed(Status status) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long duration = System.nanoTime() - startNanos;
    CallMetrics m = metrics;
    if (m == null) {
      m = resolve(factory.unresolved(fullMethodName));
    }
    m.finished(status.getCode().value(), duration);
  }

  private synchronized CallMetrics resolve(CallMetrics resolved) {
    if (metrics != null) {
      return metrics;
    }
    resolved.started();
    for (; pendingReceived > 0; pendingReceived--) {
      resolved.messageReceived();
    }
    for (; pendingSent > 0; pendingSent--) {
      resolved.messageSent();
    }
    metrics = resolved;
    return resolved;
  }
}
