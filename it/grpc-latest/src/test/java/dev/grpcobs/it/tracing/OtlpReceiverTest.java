package dev.grpcobs.it.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The test receiver on its own, fed by a plain gRPC client on this module's gRPC version: what it
 * keeps of an OTLP export, and how it refuses, stops and comes back.
 */
class OtlpReceiverTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  private OtlpReceiver receiver;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    receiver = OtlpReceiver.start();
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", receiver.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    receiver.close();
  }

  private void export(ExportTraceServiceRequest request) {
    TraceServiceGrpc.newBlockingStub(channel)
        .withWaitForReady()
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .export(request);
  }

  @Test
  void keepsEverySpanWithItsResourceServiceName() throws Exception {
    Span server =
        span("00f067aa0ba902b7", "53995c3f42cd8ad8", "shop.Orders/PlaceOrder", Span.SpanKind.SPAN_KIND_SERVER)
            .setStatus(io.opentelemetry.proto.trace.v1.Status.newBuilder()
                .setCode(StatusCode.STATUS_CODE_ERROR)
                .setMessage("boom"))
            .addAttributes(attribute("rpc.system", AnyValue.newBuilder().setStringValue("grpc")))
            .addAttributes(attribute("rpc.grpc.status_code", AnyValue.newBuilder().setIntValue(2)))
            .addAttributes(attribute("sampled", AnyValue.newBuilder().setBoolValue(true)))
            .addAttributes(attribute("ratio", AnyValue.newBuilder().setDoubleValue(0.5)))
            .addAttributes(attribute("tags", AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                .addValues(AnyValue.newBuilder().setStringValue("a"))
                .addValues(AnyValue.newBuilder().setIntValue(7)))))
            .addEvents(Span.Event.newBuilder()
                .setName("exception")
                .addAttributes(attribute("exception.type", AnyValue.newBuilder().setStringValue("java.lang.IllegalStateException"))))
            .build();
    Span root = span("53995c3f42cd8ad8", "", "shop.Orders/PlaceOrder", Span.SpanKind.SPAN_KIND_CLIENT).build();
    export(request("orders", server));
    export(request("loadgen", root));

    List<ReceivedSpan> spans = receiver.awaitSpans(s -> s.size() == 2, 10);
    ReceivedSpan got = spans.get(0);
    assertEquals("orders", got.serviceName());
    assertEquals(TRACE_ID, got.traceId());
    assertEquals("00f067aa0ba902b7", got.spanId());
    assertEquals("53995c3f42cd8ad8", got.parentSpanId());
    assertEquals("shop.Orders/PlaceOrder", got.name());
    assertEquals("SERVER", got.kind());
    assertEquals("ERROR", got.statusCode());
    assertEquals("boom", got.statusMessage());
    assertEquals("grpc", got.attribute("rpc.system"));
    assertEquals(Long.valueOf(2), got.longAttribute("rpc.grpc.status_code"));
    assertEquals(true, got.attribute("sampled"));
    assertEquals(0.5, got.attribute("ratio"));
    assertEquals(Arrays.asList("a", 7L), got.attribute("tags"));
    assertEquals(Collections.singletonList("exception"), got.eventNames());
    assertEquals("java.lang.IllegalStateException", got.event("exception").attributes().get("exception.type"));

    ReceivedSpan parent = spans.get(1);
    assertEquals("loadgen", parent.serviceName());
    assertEquals("CLIENT", parent.kind());
    assertEquals("UNSET", parent.statusCode());
    assertTrue(parent.isRoot());
    assertTrue(got.isChildOf(parent));
  }

  @Test
  void refusesWithUnavailableWhenToldAndKeepsNothing() throws Exception {
    receiver.refuseExports(true);
    StatusRuntimeException refused =
        assertThrows(StatusRuntimeException.class, () -> export(request("svc", span("00f067aa0ba902b7", "", "a/b", Span.SpanKind.SPAN_KIND_SERVER).build())));
    assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
    assertEquals(1, receiver.exportRequests());
    assertEquals(0, receiver.spans().size());

    receiver.refuseExports(false);
    export(request("svc", span("00f067aa0ba902b7", "", "a/b", Span.SpanKind.SPAN_KIND_SERVER).build()));
    assertEquals(1, receiver.spans().size());
  }

  @Test
  void comesBackOnTheSamePortAndKeepsWhatItHad() throws Exception {
    export(request("svc", span("00f067aa0ba902b7", "", "before", Span.SpanKind.SPAN_KIND_SERVER).build()));
    int port = receiver.port();
    receiver.stop();
    StatusRuntimeException away =
        assertThrows(StatusRuntimeException.class, () -> TraceServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .export(request("svc", span("00f067aa0ba902b7", "", "lost", Span.SpanKind.SPAN_KIND_SERVER).build())));
    assertEquals(Status.Code.UNAVAILABLE, away.getStatus().getCode());

    receiver.restart();
    assertEquals(port, receiver.port());
    // The same channel reconnects: clients need not know the receiver was away.
    export(request("svc", span("00f067aa0ba902b7", "", "after", Span.SpanKind.SPAN_KIND_SERVER).build()));
    List<ReceivedSpan> spans = receiver.awaitSpans(s -> s.size() == 2, 10);
    assertEquals("before", spans.get(0).name());
    assertEquals("after", spans.get(1).name());
  }

  @Test
  void awaitingSpansThatNeverComeFailsWithWhatDidArrive() throws Exception {
    export(request("svc", span("00f067aa0ba902b7", "", "only-this", Span.SpanKind.SPAN_KIND_SERVER).build()));
    AssertionError error =
        assertThrows(AssertionError.class, () -> receiver.awaitSpans(s -> s.size() > 1, 1));
    assertTrue(error.getMessage().contains("only-this"), error.getMessage());
  }

  private static Span.Builder span(String spanId, String parentSpanId, String name, Span.SpanKind kind) {
    return Span.newBuilder()
        .setTraceId(bytes(TRACE_ID))
        .setSpanId(bytes(spanId))
        .setParentSpanId(bytes(parentSpanId))
        .setName(name)
        .setKind(kind);
  }

  private static ExportTraceServiceRequest request(String serviceName, Span span) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder()
                .addAttributes(attribute("service.name", AnyValue.newBuilder().setStringValue(serviceName))))
            .addScopeSpans(ScopeSpans.newBuilder().addSpans(span)))
        .build();
  }

  private static KeyValue attribute(String key, AnyValue.Builder value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  private static ByteString bytes(String hex) {
    byte[] bytes = new byte[hex.length() / 2];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return ByteString.copyFrom(bytes);
  }
}
