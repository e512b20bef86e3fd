package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.RpcTracing.RpcSpan;
import dev.grpcobs.bridge.Telemetry;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Runs the application's handler of a traced call inside the call's scope: the trace and span
 * ids are in the application's logging context (SLF4J MDC, Log4j 2 ThreadContext) so its own log
 * lines carry them, and an exception escaping the handler is recorded on the span, then re-thrown
 * unchanged so gRPC handles it exactly as it would without the agent. (Catching Throwable and
 * re-throwing it is a precise rethrow: only the handler's unchecked exceptions get there.)
 */
final class ServerHandlerScope implements ServerInterceptor {

  private final AppLogContext logContext;

  ServerHandlerScope() {
    this(AppLogContext.INSTANCE);
  }

  ServerHandlerScope(AppLogContext logContext) {
    this.logContext = logContext;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    RpcSpan span = TracingContext.current();
    if (span == null) {
      return next.startCall(call, headers);
    }
    String[] keys = logContext.isEmpty() ? null : Telemetry.logCorrelationKeys();
    String[] ids =
        keys == null || span.traceId() == null
            ? null
            : new String[] {span.traceId(), span.spanId(), span.sampled() ? "01" : "00"};
    Scope scope = new Scope(span, ids == null ? null : logContext, keys, ids);
    Object[] previous = scope.enter();
    try {
      return new ScopedListener<>(next.startCall(call, headers), scope);
    } finally {
      scope.exit(previous);
    }
  }

  private static final class Scope {
    final RpcSpan span;
    private final AppLogContext logContext;
    private final String[] keys;
    private final String[] ids;

    Scope(RpcSpan span, AppLogContext logContext, String[] keys, String[] ids) {
      this.span = span;
      this.logContext = logContext;
      this.keys = keys;
      this.ids = ids;
    }

    Object[] enter() {
      return logContext == null ? null : logContext.enter(keys, ids);
    }

    void exit(Object[] previous) {
      if (previous != null) {
        logContext.restore(keys, previous);
      }
    }
  }

  /**
   * Each callback spells out the same enter / record / restore steps rather than passing itself
   * as a lambda to one shared method: this runs on every message of every call, and a capturing
   * lambda would be an allocation each time.
   */
  private static final class ScopedListener<ReqT>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT> {
    private final Scope scope;

    ScopedListener(ServerCall.Listener<ReqT> delegate, Scope scope) {
      super(delegate);
      this.scope = scope;
    }

    @Override
    public void onMessage(ReqT message) {
      Object[] previous = scope.enter();
      try {
        super.onMessage(message);
      } catch (Throwable t) {
        scope.span.recordException(t);
        throw t;
      } finally {
        scope.exit(previous);
      }
    }

    @Override
    public void onHalfClose() {
      Object[] previous = scope.enter();
      try {
        super.onHalfClose();
      } catch (Throwable t) {
        scope.span.recordException(t);
        throw t;
      } finally {
        scope.exit(previous);
      }
    }

    @Override
    public void onCancel() {
      Object[] previous = scope.enter();
      try {
        super.onCancel();
      } catch (Throwable t) {
        scope.span.recordException(t);
        throw t;
      } finally {
        scope.exit(previous);
      }
    }

    @Override
    public void onComplete() {
      Object[] previous = scope.enter();
      try {
        super.onComplete();
      } catch (Throwable t) {
        scope.span.recordException(t);
        throw t;
      } finally {
        scope.exit(previous);
      }
    }

    @Override
    public void onReady() {
      Object[] previous = scope.enter();
      try {
        super.onReady();
      } catch (Throwable t) {
        scope.span.recordException(t);
        throw t;
      } finally {
        scope.exit(previous);
      }
    }
  }
}
