package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.CallMetrics;
import io.grpc.ClientCall;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records one client call: started when the application starts it, a message each time one is
 * sent or delivered, and handled exactly once when it closes. The application's own exceptions
 * pass through unchanged.
 */
final class ClientCallMetrics<ReqT, RespT>
    extends ForwardingClientCall.SimpleForwardingClientCall<ReqT, RespT> {

  private final CallMetrics metrics;
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile long startNanos;
  private volatile boolean started;

  ClientCallMetrics(ClientCall<ReqT, RespT> delegate, CallMetrics metrics) {
    super(delegate);
    this.metrics = metrics;
  }

  @Override
  public void start(Listener<RespT> responseListener, Metadata headers) {
    startNanos = System.nanoTime();
    started = true;
    metrics.started();
    try {
      super.start(new MetricsListener(responseListener), headers);
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
  }

  void finish(Status status) {
    if (started && finished.compareAndSet(false, true)) {
      metrics.finished(status.getCode().value(), System.nanoTime() - startNanos);
    }
  }

  private final class MetricsListener
      extends ForwardingClientCallListener.SimpleForwardingClientCallListener<RespT> {

    MetricsListener(Listener<RespT> delegate) {
      super(delegate);
    }

    @Override
    public void onMessage(RespT message) {
      metrics.messageReceived();
      super.onMessage(message);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      finish(status);
      super.onClose(status, trailers);
    }
  }
}
