package dev.grpcobs.instrumentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcobs.bridge.CallRecord;
import dev.grpcobs.bridge.RpcLogging;
import dev.grpcobs.bridge.RpcTracing;
import dev.grpcobs.bridge.Telemetry;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.logging.log4j.ThreadContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * What the helpers hand to the request log for each finished call, and the ids they put into the
 * application's logging context (SLF4J MDC and Log4j 2 ThreadContext, both on the test class path)
 * while its handler runs.
 */
class InProcessRequestLogTest {

  private static final MethodDescriptor<String, String> QUIET =
      TestMethods.method(MethodType.UNARY, "Quiet");
  private static final MethodDescriptor<String, String> FAILS =
      TestMethods.method(MethodType.SERVER_STREAMING, "Fails");

  private final RecordingRpcLogging logging = new RecordingRpcLogging("x-request-id", "x-absent");
  private final RecordingRpcTracing tracing = new RecordingRpcTracing();
  private final List<String> seenInHandler = new ArrayList<>();
  private InProcessGrpc grpc;
  private ManagedChannel channel;

  @BeforeEach
  void setUp() throws Exception {
    Telemetry.setLogging(logging);
    Telemetry.setTracing(tracing);
    Telemetry.setLogCorrelationKeys("trace_id", "span_id", "trace_flags");
    grpc = new InProcessGrpc();
    grpc.startServer(
        TestMethods.service()
            .addMethod(
                TestMethods.UNARY,
                ServerCalls.asyncUnaryCall(
                    (request, responses) -> {
                      seenInHandler.add(
                          MDC.get("trace_id") + " " + MDC.get("span_id") + " "
                              + MDC.get("trace_flags") + " | " + ThreadContext.get("trace_id"));
                      responses.onNext(request);
                      responses.onCompleted();
                    }))
            .addMethod(QUIET, ServerCalls.asyncUnaryCall(TestMethods.echo()))
            .addMethod(
                FAILS,
                ServerCalls.asyncServerStreamingCall(
                    (request, responses) -> {
                      responses.onNext("one");
                      responses.onNext("two");
                      responses.onError(
                          Status.FAILED_PRECONDITION
                              .withDescription("line\nbreak \"quoted\"")
                              .asRuntimeException());
                    }))
            .build());
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER), "req-7");
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer s3cr3t");
    channel = grpc.instrumentedChannel(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  @AfterEach
  void tearDown() throws Exception {
    grpc.close();
    Telemetry.setLogging(RpcLogging.NOOP);
    Telemetry.setTracing(RpcTracing.NOOP);
    Telemetry.setLogCorrelationKeys(null, null, null);
    MDC.clear();
    ThreadContext.clearAll();
  }

  @Test
  void aUnaryCallIsHandedOverOnceOnEachSide() {
    assertEquals("hi", ClientCalls.blockingUnaryCall(channel, TestMethods.UNARY, CallOptions.DEFAULT, "hi"));

    CallRecord server = logging.only(true, "test.Svc/Unary");
    assertEquals("unary", server.type);
    assertEquals(0, server.statusCode);
    assertNull(server.statusDescription);
    assertEquals(1, server.messagesReceived);
    assertEquals(1, server.messagesSent);
    assertTrue(server.durationNanos > 0);
    assertEquals(tracing.find("SERVER", "test.Svc/Unary").id, server.spanId);
    assertEquals("trace-of-" + server.spanId, server.traceId);
    // Only allow-listed headers, and only those present; authorization was sent but not asked for.
    assertArrayEquals(new String[] {"x-request-id", "req-7"}, server.metadata);
    assertTrue(server.peerAddress != null && !server.peerAddress.isEmpty(), "in-process peer");

    CallRecord client = logging.only(false, "test.Svc/Unary");
    assertEquals("unary", client.type);
    assertEquals(1, client.messagesSent);
    assertEquals(1, client.messagesReceived);
    assertEquals(tracing.find("CLIENT", "test.Svc/Unary").id, client.spanId);
    assertEquals(channel.authority(), client.authority);
    assertArrayEquals(new String[] {"x-request-id", "req-7"}, client.metadata);
    assertEquals(2, logging.records().size());
  }

  @Test
  void aFailedStreamCarriesItsStatusAndCounts() {
    Iterator<String> replies =
        ClientCalls.blockingServerStreamingCall(channel, FAILS, CallOptions.DEFAULT, "go");
    assertEquals("one", replies.next());
    assertEquals("two", replies.next());
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, replies::next);
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());

    for (boolean side : new boolean[] {true, false}) {
      CallRecord call = logging.only(side, "test.Svc/Fails");
      assertEquals("server_stream", call.type);
      assertEquals(Status.Code.FAILED_PRECONDITION.value(), call.statusCode);
      assertEquals("line\nbreak \"quoted\"", call.statusDescription);
    }
    assertEquals(2, logging.only(true, "test.Svc/Fails").messagesSent);
    assertEquals(2, logging.only(false, "test.Svc/Fails").messagesReceived);
  }

  @Test
  void excludedMethodsAreNotHandedOverAndUnknownOnesAreNamedOther() throws Exception {
    ClientCalls.blockingUnaryCall(channel, QUIET, CallOptions.DEFAULT, "x");
    MethodDescriptor<String, String> missing = TestMethods.method(MethodType.UNARY, "Missing");
    assertThrows(
        StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(grpc.plainChannel(), missing, CallOptions.DEFAULT, "x"));
    assertEquals(1, logging.records().size(), "only the unknown method's server side");
    CallRecord unknown = logging.records().get(0);
    assertTrue(unknown.server);
    assertEquals("other/other", unknown.fullMethodName, "a made-up name never reaches the log");
    assertEquals(Status.Code.UNIMPLEMENTED.value(), unknown.statusCode);
  }

  @Test
  void theHandlerSeesTheCallsIdsInTheApplicationsLoggingContextAndTheyAreRestoredAfter() {
    MDC.put("trace_id", "outer-trace");
    ClientCalls.blockingUnaryCall(channel, TestMethods.UNARY, CallOptions.DEFAULT, "hi");
    String serverSpan = tracing.find("SERVER", "test.Svc/Unary").id;
    assertEquals(1, seenInHandler.size());
    assertEquals(
        "trace-of-" + serverSpan + " " + serverSpan + " 00 | trace-of-" + serverSpan,
        seenInHandler.get(0));
    // The handler ran on this thread (direct executor): what was there before is back.
    assertEquals("outer-trace", MDC.get("trace_id"));
    assertNull(MDC.get("span_id"));
    assertNull(ThreadContext.get("trace_id"));
  }

  @Test
  void withCorrelationSwitchedOffNothingIsPut() {
    Telemetry.setLogCorrelationKeys(null, null, null);
    ClientCalls.blockingUnaryCall(channel, TestMethods.UNARY, CallOptions.DEFAULT, "hi");
    assertEquals("null null null | null", seenInHandler.get(0));
  }
}
