package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.RpcTracing;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A tracer that records spans with their parents: a client span's parent is the span the helpers
 * found in gRPC's context; a server span's parent is whatever arrived in the {@code test-parent}
 * header, which client spans inject.
 */
final class RecordingRpcTracing implements RpcTracing {

  static final String PARENT_HEADER = "test-parent";

  private final AtomicInteger ids = new AtomicInteger();
  private final List<Span> spans = new ArrayList<>();

  @Override
  public boolean traces(String fullMethodName) {
    return true;
  }

  @Override
  public RpcSpan startServerSpan(String fullMethodName, Function<String, String> incomingHeader) {
    return record("SERVER", fullMethodName, incomingHeader.apply(PARENT_HEADER));
  }

  @Override
  public RpcSpan startClientSpan(RpcSpan parent, String fullMethodName, String authority) {
    return record("CLIENT", fullMethodName, parent == null ? null : ((Span) parent).id);
  }

  private synchronized Span record(String kind, String name, String parentId) {
    Span span = new Span("s" + ids.incrementAndGet(), kind, name, parentId);
    spans.add(span);
    return span;
  }

  synchronized List<Span> spans() {
    return new ArrayList<>(spans);
  }

  synchronized Span find(String kind, String name) {
    for (Span span : spans) {
      if (span.kind.equals(kind) && span.name.equals(name)) {
        return span;
      }
    }
    throw new AssertionError("no " + kind + " span " + name + " in " + spans);
  }

  static final class Span implements RpcSpan {
    final String id;
    final String kind;
    final String parentId;
    volatile String name;
    volatile int endedWith = -1;

    Span(String id, String kind, String name, String parentId) {
      this.id = id;
      this.kind = kind;
      this.name = name;
      this.parentId = parentId;
    }

    @Override
    public void inject(BiConsumer<String, String> outgoingHeader) {
      outgoingHeader.accept(PARENT_HEADER, id);
    }

    @Override
    public void updateMethod(String fullMethodName) {
      name = fullMethodName;
    }

    @Override
    public void setPeer(String address, int port) {}

    @Override
    public void messageSent() {}

    @Override
    public void messageReceived() {}

    @Override
    public void recordException(Throwable error) {}

    @Override
    public void end(int statusCode, String description, Throwable cause) {
      if (endedWith < 0) {
        endedWith = statusCode;
      }
    }

    @Override
    public String sampledTraceId() {
      return null;
    }

    @Override
    public String sampledSpanId() {
      return null;
    }

    /** Ids for log correlation; unsampled, so no exemplar is recorded. */
    @Override
    public String traceId() {
      return "trace-of-" + id;
    }

    @Override
    public String spanId() {
      return id;
    }

    @Override
    public String toString() {
      return kind + " " + name + " " + id + "<-" + parentId;
    }
  }
}
