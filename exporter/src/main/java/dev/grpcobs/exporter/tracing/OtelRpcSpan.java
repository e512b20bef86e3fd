package dev.grpcobs.exporter.tracing;

import dev.grpcobs.bridge.RpcTracing.RpcSpan;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BiConsumer;

/**
 * One gRPC call's span. A span the sampler dropped is not recording: then only {@link #inject}
 * does anything (the trace continues downstream, unsampled) and every other method returns at
 * once.
 */
final class OtelRpcSpan implements RpcSpan {

  private final OtelTracing tracing;
  private final Span span;
  /** The parent's context (with its baggage) plus this span: what children and inject() use. */
  private final Context context;

  private final boolean server;
  private final boolean recording;
  private final String sampledTraceId;
  private final String sampledSpanId;
  private final String traceId;
  private final String spanId;
  private final int maxMessageEvents;

  // Counters and the ended flag are plain volatile fields behind field updaters rather than atomic
  // objects: a span is made for every call, and four atomics would be four more allocations each.
  private static final AtomicIntegerFieldUpdater<OtelRpcSpan> ENDED =
      AtomicIntegerFieldUpdater.newUpdater(OtelRpcSpan.class, "ended");
  private static final AtomicIntegerFieldUpdater<OtelRpcSpan> SENT =
      AtomicIntegerFieldUpdater.newUpdater(OtelRpcSpan.class, "sent");
  private static final AtomicIntegerFieldUpdater<OtelRpcSpan> RECEIVED =
      AtomicIntegerFieldUpdater.newUpdater(OtelRpcSpan.class, "received");
  private static final AtomicIntegerFieldUpdater<OtelRpcSpan> MESSAGE_EVENTS =
      AtomicIntegerFieldUpdater.newUpdater(OtelRpcSpan.class, "messageEvents");

  /** The name the span was started with; renaming to the same name is skipped. */
  private final String name;

  private volatile int ended;
  private volatile int sent;
  private volatile int received;
  private volatile int messageEvents;
  /** The last exception recorded, so end() does not record the same one twice. */
  private volatile Throwable recorded;

  OtelRpcSpan(
      OtelTracing tracing,
      Span span,
      String name,
      Context parent,
      boolean server,
      int maxEvents) {
    this.tracing = tracing;
    this.span = span;
    this.name = name;
    this.context = parent.with(span);
    this.server = server;
    this.recording = span.isRecording();
    SpanContext spanContext = span.getSpanContext();
    // A span that does not record is not ours to point at (with no exporter configured, the SDK's
    // no-op tracer even hands back the caller's span context).
    boolean sampled = recording && spanContext.isSampled();
    this.sampledTraceId = sampled ? spanContext.getTraceId() : null;
    this.sampledSpanId = sampled ? spanContext.getSpanId() : null;
    this.traceId = spanContext.isValid() ? spanContext.getTraceId() : null;
    this.spanId = spanContext.isValid() ? spanContext.getSpanId() : null;
    this.maxMessageEvents = maxEvents;
  }

  OtelTracing tracing() {
    return tracing;
  }

  Context context() {
    return context;
  }

  Span span() {
    return span;
  }

  @Override
  public void inject(BiConsumer<String, String> outgoingHeader) {
    if (outgoingHeader == null) {
      return;
    }
    try {
      tracing.propagator().inject(context, outgoingHeader, HeaderCarriers.SETTER);
    } catch (RuntimeException e) {
      // A header the application's metadata refuses must not fail its call.
    }
  }

  @Override
  public void updateMethod(String fullMethodName) {
    // The server span was started with the name the client asked for; once the server resolved it,
    // that is nearly always the same name, whose attributes the span already has.
    if (!recording || fullMethodName == null || fullMethodName.equals(name) || ended != 0) {
      return;
    }
    span.updateName(fullMethodName);
    span.setAllAttributes(tracing.attributes().method(fullMethodName));
  }

  @Override
  public void setPeer(String address, int port) {
    if (!recording || ended != 0) {
      return;
    }
    if (address != null && !address.isEmpty()) {
      span.setAttribute(RpcAttributes.NETWORK_PEER_ADDRESS, address);
    }
    if (port > 0 && port <= 65535) {
      span.setAttribute(RpcAttributes.NETWORK_PEER_PORT, (long) port);
    }
  }

  @Override
  public void messageSent() {
    if (!recording) {
      return;
    }
    int id = SENT.incrementAndGet(this);
    messageEvent(RpcAttributes.SENT, id);
  }

  @Override
  public void messageReceived() {
    if (!recording) {
      return;
    }
    int id = RECEIVED.incrementAndGet(this);
    messageEvent(RpcAttributes.RECEIVED, id);
  }

  private void messageEvent(String type, int id) {
    if (maxMessageEvents <= 0
        || messageEvents >= maxMessageEvents
        || MESSAGE_EVENTS.incrementAndGet(this) > maxMessageEvents
        || ended != 0) {
      return;
    }
    span.addEvent(
        RpcAttributes.MESSAGE_EVENT,
        Attributes.of(RpcAttributes.MESSAGE_TYPE, type, RpcAttributes.MESSAGE_ID, (long) id));
  }

  @Override
  public void recordException(Throwable error) {
    if (!recording || error == null || ended != 0) {
      return;
    }
    recorded = error;
    span.recordException(error);
  }

  @Override
  public void end(int statusCode, String description, Throwable cause) {
    if (!ENDED.compareAndSet(this, 0, 1)) {
      return;
    }
    if (recording) {
      span.setAttribute(RpcAttributes.RPC_GRPC_STATUS_CODE, (long) statusCode);
      span.setAttribute(RpcAttributes.RPC_GRPC_MESSAGES_SENT, (long) sent);
      span.setAttribute(RpcAttributes.RPC_GRPC_MESSAGES_RECEIVED, (long) received);
      if (cause != null && cause != recorded) {
        span.recordException(cause);
      }
      if (server ? isServerError(statusCode) : statusCode != 0) {
        if (description == null) {
          span.setStatus(StatusCode.ERROR);
        } else {
          span.setStatus(StatusCode.ERROR, description);
        }
      }
    }
    span.end();
  }

  /**
   * The server-side errors of the semantic conventions: the codes that say the server failed, not
   * the client's request (NOT_FOUND, INVALID_ARGUMENT, ... are the client's problem).
   */
  static boolean isServerError(int statusCode) {
    switch (statusCode) {
      case 2: // UNKNOWN
      case 4: // DEADLINE_EXCEEDED
      case 12: // UNIMPLEMENTED
      case 13: // INTERNAL
      case 14: // UNAVAILABLE
      case 15: // DATA_LOSS
        return true;
      default:
        return false;
    }
  }

  @Override
  public String sampledTraceId() {
    return sampledTraceId;
  }

  @Override
  public String sampledSpanId() {
    return sampledSpanId;
  }

  @Override
  public String traceId() {
    return traceId;
  }

  @Override
  public String spanId() {
    return spanId;
  }

  @Override
  public boolean sampled() {
    return sampledTraceId != null;
  }

  @Override
  public String toString() {
    return "OtelRpcSpan{" + span + '}';
  }
}
