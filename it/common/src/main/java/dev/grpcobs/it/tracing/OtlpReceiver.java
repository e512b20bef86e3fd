package dev.grpcobs.it.tracing;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real OTLP/gRPC trace endpoint on 127.0.0.1 ({@code TraceService/Export}) that keeps every span
 * it receives, so tests can check what an application's agent exported. It can be stopped and
 * started again on the same port, and told to refuse exports with UNAVAILABLE, to test how the
 * exporter copes with a collector that is away.
 *
 * <p>Uses only gRPC APIs of the oldest supported version; the messages and the method descriptor
 * come from {@code io.opentelemetry.proto:opentelemetry-proto}.
 */
public final class OtlpReceiver implements AutoCloseable {

  private static final String HOST = "127.0.0.1";
  private static final int MAX_LISTED_SPANS = 100;

  private final Object lock = new Object();
  /** Guarded by {@link #lock}, which is also notified on every change. */
  private final List<ReceivedSpan> spans = new ArrayList<>();

  private final AtomicInteger exportRequests = new AtomicInteger();
  private volatile boolean refusing;
  private int port;
  private Server server;

  private OtlpReceiver(int port) {
    this.port = port;
  }

  /** Starts a receiver on a free port. */
  public static OtlpReceiver start() throws IOException {
    return start(0);
  }

  /** Starts a receiver on {@code port}, or on a free port if it is 0. */
  public static OtlpReceiver start(int port) throws IOException {
    OtlpReceiver receiver = new OtlpReceiver(port);
    receiver.listen();
    return receiver;
  }

  /**
   * Starts listening again after {@link #stop}, on the same port. Spans received so far are kept.
   */
  public void restart() throws IOException {
    listen();
  }

  private synchronized void listen() throws IOException {
    if (server != null) {
      throw new IllegalStateException("the receiver is already running on port " + port);
    }
    // Connections closed by stop() may keep the port for a moment even with SO_REUSEADDR. The
    // failure is not always a BindException (Netty's native transport has its own), so any
    // failure to start is retried for a while.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        server = newServer().start();
        port = server.getPort();
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        sleep(50);
      }
    }
  }

  private Server newServer() {
    ServerServiceDefinition traceService =
        ServerServiceDefinition.builder(TraceServiceGrpc.SERVICE_NAME)
            .addMethod(TraceServiceGrpc.getExportMethod(), ServerCalls.asyncUnaryCall(this::export))
            .build();
    return NettyServerBuilder.forAddress(new InetSocketAddress(HOST, port))
        .withOption(ChannelOption.SO_REUSEADDR, true)
        .addService(traceService)
        .build();
  }

  /** Stops listening and closes every connection, like a collector that went away. */
  public synchronized void stop() throws InterruptedException {
    if (server == null) {
      return;
    }
    server.shutdownNow();
    server.awaitTermination(10, TimeUnit.SECONDS);
    server = null;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  public synchronized int port() {
    return port;
  }

  /** The value for {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
  public String endpoint() {
    return "http://" + HOST + ":" + port();
  }

  /** While on, every export is answered with UNAVAILABLE and its spans are not kept. */
  public void refuseExports(boolean refuse) {
    refusing = refuse;
  }

  /** Export calls received, refused ones included. */
  public int exportRequests() {
    return exportRequests.get();
  }

  /** Every span kept so far, in arrival order. */
  public List<ReceivedSpan> spans() {
    synchronized (lock) {
      return new ArrayList<>(spans);
    }
  }

  public void clear() {
    synchronized (lock) {
      spans.clear();
    }
  }

  /**
   * Waits until the spans received so far satisfy {@code condition} and returns them.
   *
   * @throws AssertionError listing what did arrive, if the condition does not hold in time
   */
  public List<ReceivedSpan> awaitSpans(Predicate<List<ReceivedSpan>> condition, long timeoutSeconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    synchronized (lock) {
      while (true) {
        List<ReceivedSpan> snapshot = new ArrayList<>(spans);
        if (condition.test(snapshot)) {
          return snapshot;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "the expected spans did not arrive within " + timeoutSeconds + " s; "
                  + exportRequests.get() + " export calls, " + describe(snapshot));
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
    }
  }

  /** A readable list of spans for failure messages, the latest ones if there are many. */
  public static String describe(List<ReceivedSpan> spans) {
    StringBuilder text = new StringBuilder().append(spans.size()).append(" spans:");
    int first = Math.max(0, spans.size() - MAX_LISTED_SPANS);
    if (first > 0) {
      text.append("\n  (").append(first).append(" earlier ones not listed)");
    }
    for (ReceivedSpan span : spans.subList(first, spans.size())) {
      text.append("\n  ").append(span);
    }
    return text.toString();
  }

  private void export(
      ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> response) {
    exportRequests.incrementAndGet();
    if (refusing) {
      response.onError(
          Status.UNAVAILABLE.withDescription("the test receiver refuses exports").asRuntimeException());
      return;
    }
    List<ReceivedSpan> batch = new ArrayList<>();
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      String serviceName = serviceName(resourceSpans.getResource());
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        for (Span span : scopeSpans.getSpansList()) {
          batch.add(toReceivedSpan(serviceName, span));
        }
      }
    }
    synchronized (lock) {
      spans.addAll(batch);
      lock.notifyAll();
    }
    response.onNext(ExportTraceServiceResponse.getDefaultInstance());
    response.onCompleted();
  }

  private static String serviceName(Resource resource) {
    Object name = toMap(resource.getAttributesList()).get("service.name");
    return name == null ? null : name.toString();
  }

  private static ReceivedSpan toReceivedSpan(String serviceName, Span span) {
    List<ReceivedSpan.Event> events = new ArrayList<>();
    for (Span.Event event : span.getEventsList()) {
      events.add(new ReceivedSpan.Event(event.getName(), toMap(event.getAttributesList())));
    }
    return new ReceivedSpan(
        serviceName,
        hex(span.getTraceId().toByteArray()),
        hex(span.getSpanId().toByteArray()),
        hex(span.getParentSpanId().toByteArray()),
        span.getName(),
        withoutPrefix(span.getKind().name(), "SPAN_KIND_"),
        withoutPrefix(span.getStatus().getCode().name(), "STATUS_CODE_"),
        span.getStatus().getMessage(),
        toMap(span.getAttributesList()),
        events,
        span.getStartTimeUnixNano());
  }

  private static String withoutPrefix(String enumName, String prefix) {
    return enumName.startsWith(prefix) ? enumName.substring(prefix.length()) : enumName;
  }

  private static Map<String, Object> toMap(List<KeyValue> attributes) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (KeyValue attribute : attributes) {
      map.put(attribute.getKey(), toJava(attribute.getValue()));
    }
    return map;
  }

  private static Object toJava(AnyValue value) {
    switch (value.getValueCase()) {
      case STRING_VALUE:
        return value.getStringValue();
      case BOOL_VALUE:
        return value.getBoolValue();
      case INT_VALUE:
        return value.getIntValue();
      case DOUBLE_VALUE:
        return value.getDoubleValue();
      case BYTES_VALUE:
        return hex(value.getBytesValue().toByteArray());
      case ARRAY_VALUE:
        List<Object> list = new ArrayList<>();
        for (AnyValue element : value.getArrayValue().getValuesList()) {
          list.add(toJava(element));
        }
        return list;
      case KVLIST_VALUE:
        return toMap(value.getKvlistValue().getValuesList());
      default:
        return null;
    }
  }

  private static String hex(byte[] bytes) {
    StringBuilder hex = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return hex.toString();
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for port to be free", e);
    }
  }
}
