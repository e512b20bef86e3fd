package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.CallMetrics;
import dev.grpcobs.bridge.RpcTracing.RpcSpan;
import io.grpc.ClientCall;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records one client call: started when the application starts it, a message each time one is
 * sent or delivered, and finished exactly once when it closes; its span carries the trace to the
 * server in the request headers. The application's own exceptions pass through unchanged.
 */
final class InstrumentedClientCall<ReqT, RespT>
    extends ForwardingClientCall.SimpleForwardingClientCall<ReqT, RespT> {

  private final CallMetrics metrics;
  private final RpcSpan span;
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile long startNanos;
  private volatile boolean started;

  InstrumentedClientCall(ClientCall<ReqT, RespT> delegate, CallMetrics metrics, RpcSpan span) {
    super(delegate);
    this.metrics = metrics;
    this.span = span;
  }

  @Override
  public void start(Listener<RespT> responseListener, final Metadata headers) {
    startNanos = System.nanoTime();
    started = true;
    metrics.started();
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
    if (started && finished.compareAndSet(false, true)) {
      int code = status.getCode().value();
      span.end(code, status.getDescription(), status.getCause());
      metrics.finished(
          code, System.nanoTime() - startNanos, span.sampledTraceId(), span.sampledSpanId());
    }
  }

  private final class ObservingListener
      extends ForwardingClientCallListener.SimpleForwardingClientCallListener<RespT> {

    ObservingListener(ClientCall.Listener<RespT> delegate) {
      super(delegate);
    }

    @Override
    public void onMessage(RespT message) {
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
