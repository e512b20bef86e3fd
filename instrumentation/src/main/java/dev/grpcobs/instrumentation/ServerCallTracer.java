package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.CallMetrics;
import dev.grpcobs.bridge.CallRecord;
import dev.grpcobs.bridge.RpcLogging;
import dev.grpcobs.bridge.RpcTracing.RpcSpan;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

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
  /** A field updater rather than an AtomicBoolean: one object less for every call. */
  private static final AtomicIntegerFieldUpdater<ServerCallTracer> CLOSED =
      AtomicIntegerFieldUpdater.newUpdater(ServerCallTracer.class, "closed");

  private volatile int closed;

  private volatile CallMetrics metrics;

  // Request log: null when this call is not logged.
  private RpcLogging logging;
  private String userAgent;
  private String[] metadata;
  private volatile String resolvedMethod;
  private volatile String type = MethodLabels.UNKNOWN_TYPE;
  private volatile String authority;
  private volatile String peer;
  // Each written by one thread only (transport for inbound, the sending thread for outbound).
  private volatile int messagesReceived;
  private volatile int messagesSent;
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

  /** Called before the tracer is handed to gRPC: this call goes into the request log. */
  void logTo(RpcLogging logging, Metadata headers) {
    this.logging = logging;
    this.userAgent = headers.get(CallLogs.USER_AGENT);
    this.metadata = CallLogs.capture(headers, logging.metadataKeys());
  }

  @Override
  public Context filterContext(Context context) {
    return span == RpcSpan.NOOP ? context : context.withValue(TracingContext.SPAN, span);
  }

  @Override
  public void serverCallStarted(ServerCallInfo<?, ?> callInfo) {
    MethodDescriptor<?, ?> method = callInfo.getMethodDescriptor();
    resolve(factory.resolved(method));
    if (span == RpcSpan.NOOP && logging == null) {
      return;
    }
    PeerText remote = PeerText.of(callInfo.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    if (span != RpcSpan.NOOP) {
      span.updateMethod(method.getFullMethodName());
      if (remote.host != null) {
        span.setPeer(remote.host, remote.port);
      }
    }
    if (logging != null) {
      resolvedMethod = method.getFullMethodName();
      type = MethodLabels.type(method.getType());
      authority = callInfo.getAuthority();
      peer = remote.hostAndPort();
    }
  }

  @Override
  public void inboundMessage(int seqNo) {
    messagesReceived++;
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
    messagesSent++;
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
    if (!CLOSED.compareAndSet(this, 0, 1)) {
      return;
    }
    long duration = System.nanoTime() - startNanos;
    CallMetrics m = metrics;
    String method = resolvedMethod;
    if (m == null) {
      m = resolve(factory.unresolved(fullMethodName));
      // A name the client made up must not become a span name or log field either.
      if (factory.isKnown(fullMethodName)) {
        method = fullMethodName;
      } else {
        method = ServerTracerFactory.UNRESOLVED_METHOD;
        span.updateMethod(method);
      }
    }
    int code = status.getCode().value();
    span.end(code, status.getDescription(), status.getCause());
    m.finished(code, duration, span.sampledTraceId(), span.sampledSpanId());
    if (logging != null) {
      log(method, status, duration);
    }
  }

  private void log(String method, Status status, long duration) {
    CallRecord call = CallLogs.record(true, method, type, status, duration, span);
    call.peerAddress = peer;
    call.authority = authority;
    call.userAgent = userAgent;
    call.messagesReceived = messagesReceived;
    call.messagesSent = messagesSent;
    call.metadata = metadata;
    logging.callFinished(call);
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
