package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.RpcTracing.RpcSpan;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Records on the call's span an exception that escapes the application's handler, then re-throws
 * it unchanged so gRPC handles it exactly as it would without the agent. (Catching Throwable
 * and re-throwing it is a precise rethrow: only the handler's unchecked exceptions get there.)
 */
final class ServerExceptionRecorder implements ServerInterceptor {

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    RpcSpan span = TracingContext.current();
    ServerCall.Listener<ReqT> listener = next.startCall(call, headers);
    return span == null ? listener : new RecordingListener<>(listener, span);
  }

  private static final class RecordingListener<ReqT>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT> {
    private final RpcSpan span;

    RecordingListener(ServerCall.Listener<ReqT> delegate, RpcSpan span) {
      super(delegate);
      this.span = span;
    }

    @Override
    public void onMessage(ReqT message) {
      try {
        super.onMessage(message);
      } catch (Throwable t) {
        span.recordException(t);
        throw t;
      }
    }

    @Override
    public void onHalfClose() {
      try {
        super.onHalfClose();
      } catch (Throwable t) {
        span.recordException(t);
        throw t;
      }
    }

    @Override
    public void onCancel() {
      try {
        super.onCancel();
      } catch (Throwable t) {
        span.recordException(t);
        throw t;
      }
    }

    @Override
    public void onComplete() {
      try {
        super.onComplete();
      } catch (Throwable t) {
        span.recordException(t);
        throw t;
      }
    }

    @Override
    public void onReady() {
      try {
        super.onReady();
      } catch (Throwable t) {
        span.recordException(t);
        throw t;
      }
    }
  }
}
