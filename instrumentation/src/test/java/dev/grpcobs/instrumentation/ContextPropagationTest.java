package dev.grpcobs.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.grpcobs.bridge.RpcTracing;
import dev.grpcobs.bridge.Telemetry;
import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A handler that calls another service from a different thread, carrying gRPC's context the
 * usual way ({@code Context.current().wrap(...)}), makes that call a child of the call it handles;
 * without the context, the call starts a trace of its own.
 */
class ContextPropagationTest {

  private static final MethodDescriptor<String, String> FRONT =
      TestMethods.method(MethodType.UNARY, "Front");
  private static final MethodDescriptor<String, String> BACK =
      TestMethods.method(MethodType.UNARY, "Back");

  private final RecordingRpcTracing tracing = new RecordingRpcTracing();
  private final ExecutorService elsewhere = Executors.newSingleThreadExecutor();
  private final AtomicReference<ManagedChannel> channel = new AtomicReference<>();
  private InProcessGrpc grpc;

  @BeforeEach
  void setUp() {
    Telemetry.setTracing(tracing);
    grpc = new InProcessGrpc();
  }

  @AfterEach
  void tearDown() throws Exception {
    elsewhere.shutdownNow();
    grpc.close();
    Telemetry.setTracing(RpcTracing.NOOP);
  }

  /** Front calls Back on another thread, with or without the handler's gRPC context. */
  private void startServer(final boolean carryContext) throws Exception {
    grpc.startServer(
        TestMethods.service()
            .addMethod(
                FRONT,
                ServerCalls.asyncUnaryCall(
                    (request, responses) -> {
                      Runnable callBack =
                          () -> {
                            String reply =
                                ClientCalls.blockingUnaryCall(
                                    channel.get(), BACK, CallOptions.DEFAULT, request);
                            responses.onNext(reply);
                            responses.onCompleted();
                          };
                      elsewhere.execute(carryContext ? Context.current().wrap(callBack) : callBack);
                    }))
            .addMethod(BACK, ServerCalls.asyncUnaryCall(TestMethods.echo()))
            .build());
    channel.set(grpc.instrumentedChannel());
  }

  private void callFront() throws Exception {
    assertEquals("x", ClientCalls.blockingUnaryCall(channel.get(), FRONT, CallOptions.DEFAULT, "x"));
    elsewhere.submit(() -> {}).get(10, TimeUnit.SECONDS);
  }

  @Test
  void aCallMadeFromAnotherThreadWithTheHandlersContextIsItsChild() throws Exception {
    startServer(true);
    callFront();
    RecordingRpcTracing.Span frontClient = tracing.find("CLIENT", "test.Svc/Front");
    RecordingRpcTracing.Span frontServer = tracing.find("SERVER", "test.Svc/Front");
    RecordingRpcTracing.Span backClient = tracing.find("CLIENT", "test.Svc/Back");
    RecordingRpcTracing.Span backServer = tracing.find("SERVER", "test.Svc/Back");
    assertNull(frontClient.parentId, "the test's own call starts the trace");
    assertEquals(frontClient.id, frontServer.parentId, "propagated in the request headers");
    assertEquals(frontServer.id, backClient.parentId, "found in gRPC's context on the other thread");
    assertEquals(backClient.id, backServer.parentId);
    assertEquals(4, tracing.spans().size(), tracing.spans().toString());
    for (RecordingRpcTracing.Span span : tracing.spans()) {
      assertEquals(0, span.endedWith, span + " ended OK exactly as the call did");
    }
  }

  @Test
  void withoutTheContextTheCallStartsATraceOfItsOwn() throws Exception {
    startServer(false);
    callFront();
    assertNull(tracing.find("CLIENT", "test.Svc/Back").parentId);
  }
}
