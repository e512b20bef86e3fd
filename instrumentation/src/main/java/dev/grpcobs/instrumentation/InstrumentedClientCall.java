package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.CallMetrics;
import dev.grpcobs.bridge.CallRecord;
import dev.grpcobs.bridge.RpcLogging;
import dev.grpcobs.bridge.RpcTracing.RpcSpan;
import io.grpc.ClientCall;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * Records one client call: started when the application starts it, a message each time one is
 * sent or delivered, and finished exactly once when it closes; its span carries the trace to the
 * server in the request headers. The application's own exceptions pass through unchanged.
 */
final class InstrumentedClientCall<ReqT, RespT>
    extends ForwardingClientCall.SimpleForwardingClientCall<ReqT, RespT> {

  private final CallMetrics metrics;
  private final RpcSpan span;
  /** A field updater rather than an AtomicBoolean: one object less for every call. */
  @SuppressWarnings("rawtypes")
  private static final AtomicIntegerFieldUpdater<InstrumentedClientCall> FINISHED =
      AtomicIntegerFieldUpdater.newUpdater(InstrumentedClientCall.class, "finished");

  private volatile int finished;
  private volatile long startNanos;
  private volatile boolean started;

  // Request log: null when this call is not logged.
  private final RpcLogging logging;
  private final String fullMethodName;
  private final String type;
  private final String authority;
  /** The request headers, read when the call ends: interceptors below ours add to them later. */
  private volatile Metadata requestHeaders;
  // Each written by one thread at a time (gRPC's rules for sendMessage and for listeners).
  private volatile int messagesReceived;
  private volatile int messagesSent;

  InstrumentedClientCall(
      ClientCall<ReqT, RespT> delegate,
      CallMetrics metrics,
      RpcSpan span,
      RpcLogging logging,
      MethodDescriptor<ReqT, RespT> method,
      String authority) {
    super(delegate);
    this.metrics = metrics;
    this.span = span;
    this.logging = logging;
    this.fullMethodName = method.getFullMethodName();
    this.type = logging == null ? null : MethodLabels.type(method.getType());
    this.authority = authority;
  }

  @Override
  public void start(Listener<RespT> responseListener, final Metadata headers) {
    startNanos = System.nanoTime();
    started = true;
    metrics.started();
    if (logging != null) {
      requestHeaders = headers;
    }
    if (span != RpcSpan.NOOP) {
      span.inject(
          (name, value) -> {
            Metadata.Key<String> key = AsciiHeaderKeys.of(name);
            headers.removeAll(key);
            headers.put(key, value);
          });
    }
    try {
      super.start(new ObservingListener(responseListener), headers);
    } catch (RuntimeException | Error e) {
      // The call never got going; it will not be closed through the listener.
      finish(Status.fromThrowable(e));
      throw e;
    }
  }

  @Override
  public void sendMessage(ReqT message) {
    super.sendMessage(message);
    messagesSent++;
    metrics.messageSent();
    span.messageSent();
  }

  @Override
  public void cancel(String message, Throwable cause) {
    if (!started) {
      // Cancelled before start: no listener will ever hear of it, so the span ends here.
      span.end(Status.Code.CANCELLED.value(), message, cause);
    }
    super.cancel(message, cause);
  }

  void finish(Status status) {
    if (started && FINISHED.compareAndSet(this, 0, 1)) {
      int code = status.getCode().value();
      long duration = System.nanoTime() - startNanos;
      span.end(code, status.getDescription(), status.getCause());
      metrics.finished(code, duration, span.sampledTraceId(), span.sampledSpanId());
      if (logging != null) {
        log(status, duration);
      }
    }
  }

  private void log(Status status, long duration) {
    CallRecord call = CallLogs.record(false, fullMethodName, type, status, duration, span);
    call.peerAddress = peer();
    call.authority = authority;
    call.messagesReceived = messagesReceived;
    call.messagesSent = messagesSent;
    Metadata headers = requestHeaders;
    call.metadata = headers == null ? null : CallLogs.capture(headers, logging.metadataKeys());
    logging.callFinished(call);
  }

  /** The server's address, once the transport knows it (null for a call that never got one). */
  private String peer() {
    try {
      return PeerText.of(getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)).hostAndPort();
    } catch (RuntimeException notAvailable) {
      return null;
    }
  }

  private final class ObservingListener
      extends ForwardingClientCallListener.SimpleForwardingClientCallListener<RespT> {

    ObservingListener(ClientCall.Listener<RespT> delegate) {
      super(delegate);
    }

    @Override
    public void onMessage(RespT message) {
      messagesReceived++;
      metrics.messageReceived();
      span.messageReceived();
      super.onMessage(message);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      finish(status);
      super.onClose(status, trailers);
    }
  }
}
