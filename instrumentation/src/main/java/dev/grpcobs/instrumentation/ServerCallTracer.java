package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.CallMetrics;
import dev.grpcobs.bridge.RpcTracing.RpcSpan;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Follows one server stream for metrics and its span. Metric labels are only known once the server
 * has looked the method up ({@link #serverCallStarted}); messages seen before that are held and
 * replayed, and a stream that closes without ever being dispatched is recorded against the name
 * it asked for (if the server serves it) or the bounded "other" series and span name.
 */
final class ServerCallTracer extends ServerStreamTracer {

  private final ServerTracerFactory factory;
  private final String fullMethodName;
  private final long startNanos;
  private final RpcSpan span;
  private final AtomicBoolean closed = new AtomicBoolean();

  private volatile CallMetrics metrics;
  // Guarded by this; only used while metrics is still null.
  private int pendingReceived;
  private int pendingSent;

  ServerCallTracer(
      ServerTracerFactory factory, String fullMethodName, long startNanos, RpcSpan span) {
    this.factory = factory;
    this.fullMethodName = fullMethodName;
    this.startNanos = startNanos;
    this.span = span;
  }

  @Override
  public Context filterContext(Context context) {
    return span == RpcSpan.NOOP ? context : context.withValue(TracingContext.SPAN, span);
  }

  @Override
  public void serverCallStarted(ServerCallInfo<?, ?> callInfo) {
    resolve(factory.resolved(callInfo.getMethodDescriptor()));
    if (span != RpcSpan.NOOP) {
      span.updateMethod(callInfo.getMethodDescriptor().getFullMethodName());
      SocketAddress remote = callInfo.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      if (remote instanceof InetSocketAddress) {
        InetSocketAddress peer = (InetSocketAddress) remote;
        String address =
            peer.getAddress() != null ? peer.getAddress().getHostAddress() : peer.getHostString();
        span.setPeer(address, peer.getPort());
      }
    }
  }

  @Override
  public void inboundMessage(int seqNo) {
    span.messageReceived();
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
    span.messageSent();
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
      if (!factory.isKnown(fullMethodName)) {
        // A name the client made up must not become a span name either.
        span.updateMethod(ServerTracerFactory.UNRESOLVED_METHOD);
      }
    }
    span.end(status.getCode().value(), status.getDescription(), status.getCause());
    m.finished(status.getCode().value(), duration, span.sampledTraceId(), span.sampledSpanId());
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
