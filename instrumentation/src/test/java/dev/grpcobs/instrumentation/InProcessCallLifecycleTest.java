package dev.grpcobs.instrumentation;

import static dev.grpcobs.instrumentation.RecordingRpcMetrics.Series.client;
import static dev.grpcobs.instrumentation.RecordingRpcMetrics.Series.server;
import static dev.grpcobs.instrumentation.TestMethods.BIDI;
import static dev.grpcobs.instrumentation.TestMethods.SERVER_STREAM;
import static dev.grpcobs.instrumentation.TestMethods.SERVICE;
import static dev.grpcobs.instrumentation.TestMethods.UNARY;
import static io.grpc.stub.ServerCalls.asyncBidiStreamingCall;
import static io.grpc.stub.ServerCalls.asyncServerStreamingCall;
import static java.util.Arrays.asList;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.grpcobs.instrumentation.RecordingRpcMetrics.Series;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Calls that end abnormally (cancellation, deadline, failures in the application's own client
 * code): each side must still finish exactly once, and the application must see exactly what it
 * would see without the instrumentation.
 */
class InProcessCallLifecycleTest {

  private static final Series CLIENT_UNARY = client(SERVICE, "Unary", "unary");
  private static final Series SERVER_BIDI = server(SERVICE, "Bidi", "bidi_stream");

  private InProcessGrpc grpc;
  private RecordingRpcMetrics metrics;

  @BeforeEach
  void setUp() {
    grpc = new InProcessGrpc();
    metrics = grpc.metrics;
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    grpc.close();
  }

  @Test
  void clientCancellationFinishesBothSidesOnceAsCancelled() throws Exception {
    CountDownLatch handlerStarted = new CountDownLatch(1);
    CountDownLatch serverSawCancel = new CountDownLatch(1);
    grpc.startServer(
        TestMethods.service()
            .addMethod(
                SERVER_STREAM,
                asyncServerStreamingCall(
                    (request, responses) -> {
                      // Never completes: only the client's cancellation ends this call.
                      ((ServerCallStreamObserver<String>) responses)
                          .setOnCancelHandler(serverSawCancel::countDown);
                      handlerStarted.countDown();
                    }))
            .build());

    ClientCall<String, String> call =
        grpc.instrumentedChannel().newCall(SERVER_STREAM, CallOptions.DEFAULT);
    CloseRecordingListener listener = new CloseRecordingListener();
    call.start(listener, new Metadata());
    call.request(1);
    call.sendMessage("stream please");
    call.halfClose();
    Latches.await(handlerStarted);
    call.cancel("the test gives up", null);

    assertEquals(Status.Code.CANCELLED, listener.awaitClose().getCode());
    Latches.await(serverSawCancel);
    assertEquals(
        asList("started", "received", "finished CANCELLED"),
        metrics.awaitFinished(server(SERVICE, "ServerStream", "server_stream")));
    assertEquals(
        asList("started", "sent", "finished CANCELLED"),
        metrics.events(client(SERVICE, "ServerStream", "server_stream")));
  }

  @Test
  void deadlineFinishesEachSideOnceEvenWhenTheHandlerAnswersLate() throws Exception {
    CountDownLatch clientGaveUp = new CountDownLatch(1);
    CountDownLatch lateAnswerDone = new CountDownLatch(1);
    ExecutorService serverWorker = Executors.newSingleThreadExecutor();
    try {
      // A bidi handler runs when the call starts, on the calling thread over a READY in-process
      // channel, and gRPC arms the deadline timer only after that: so the handler always runs.
      grpc.startServer(
          TestMethods.service()
              .addMethod(
                  BIDI,
                  asyncBidiStreamingCall(
                      responses -> {
                        serverWorker.execute(
                            () -> {
                              try {
                                // Answering only once the client has given up makes the
                                // answer late every time, however slow the machine.
                                Latches.await(clientGaveUp);
                                responses.onNext("too late");
                                responses.onCompleted();
                              } catch (StatusRuntimeException callAlreadyCancelled) {
                                // gRPC may refuse to answer a cancelled call; either way the
                                // metrics must not record a second end.
                              } finally {
                                lateAnswerDone.countDown();
                              }
                            });
                        return new IgnoringObserver();
                      }))
              .build());

      ClientCall<String, String> call =
          grpc.instrumentedChannel()
              .newCall(BIDI, CallOptions.DEFAULT.withDeadlineAfter(50, TimeUnit.MILLISECONDS));
      CloseRecordingListener listener = new CloseRecordingListener();
      // No request message: the deadline may fire while one is being sent, which would make the
      // order of "sent" and "finished" a race this test is not about.
      call.start(listener, new Metadata());
      call.request(1);

      assertEquals(Status.Code.DEADLINE_EXCEEDED, listener.awaitClose().getCode());
      metrics.awaitFinished(SERVER_BIDI);
      clientGaveUp.countDown();
      Latches.await(lateAnswerDone);
    } finally {
      clientGaveUp.countDown();
      serverWorker.shutdownNow();
    }

    List<String> serverEvents = metrics.events(SERVER_BIDI);
    assertEquals(1, RecordingRpcMetrics.finishes(serverEvents), serverEvents.toString());
    assertEquals("started", serverEvents.get(0), serverEvents.toString());
    assertTrue(
        serverEvents.get(serverEvents.size() - 1).startsWith("finished "), serverEvents.toString());
    assertEquals(
        asList("started", "finished DEADLINE_EXCEEDED"),
        metrics.events(client(SERVICE, "Bidi", "bidi_stream")));
  }

  @Test
  void exceptionFromTheApplicationsListenerReachesGrpcAsWithoutTheInterceptor() throws Exception {
    grpc.startServer(TestMethods.unaryEchoService());
    RuntimeException applicationBug =
        new IllegalStateException("bug in the client's onMessage (expected by the test)");

    Status withoutInterceptor = callThrowingOnMessage(grpc.plainChannel(), applicationBug);
    Status withInterceptor = callThrowingOnMessage(grpc.instrumentedChannel(), applicationBug);

    // gRPC cancels a call whose listener throws and hands the exception back as the cause.
    assertSame(applicationBug, withoutInterceptor.getCause());
    assertSame(applicationBug, withInterceptor.getCause());
    assertEquals(withoutInterceptor.getCode(), withInterceptor.getCode());
    assertEquals(withoutInterceptor.getDescription(), withInterceptor.getDescription());
    assertEquals(
        asList("started", "sent", "received", "finished " + withInterceptor.getCode()),
        metrics.events(CLIENT_UNARY));
  }

  static Stream<Arguments> startFailures() {
    return Stream.of(
        arguments(
            Status.PERMISSION_DENIED.withDescription("refused below us").asRuntimeException(),
            "PERMISSION_DENIED"),
        arguments(new IllegalStateException("bug below us (expected by the test)"), "UNKNOWN"));
  }

  @ParameterizedTest
  @MethodSource("startFailures")
  void startThatThrowsFinishesOnceAndRethrowsTheSameException(
      RuntimeException failure, String expectedCode) throws Exception {
    grpc.startServer(TestMethods.unaryEchoService());
    ClientCall<String, String> call =
        grpc.instrumentedChannel(failingStart(null, failure)).newCall(UNARY, CallOptions.DEFAULT);

    RuntimeException thrown =
        assertThrows(
            RuntimeException.class, () -> call.start(new CloseRecordingListener(), new Metadata()));

    assertSame(failure, thrown);
    assertEquals(asList("started", "finished " + expectedCode), metrics.events(CLIENT_UNARY));
    assertEquals(Collections.emptySet(), metrics.series(true), "the call never reached the server");
  }

  @Test
  void startThatClosesTheCallAndThenThrowsIsStillFinishedOnce() throws Exception {
    grpc.startServer(TestMethods.unaryEchoService());
    RuntimeException failure = new IllegalStateException("bug below us (expected by the test)");
    // A call below may report its close to the listener and still throw from start; that call
    // ended once, so it must be counted as handled once, with the status the listener saw.
    ClientCall<String, String> call =
        grpc.instrumentedChannel(failingStart(Status.UNAVAILABLE, failure))
            .newCall(UNARY, CallOptions.DEFAULT);
    CloseRecordingListener listener = new CloseRecordingListener();

    RuntimeException thrown =
        assertThrows(RuntimeException.class, () -> call.start(listener, new Metadata()));

    assertSame(failure, thrown);
    assertEquals(Status.Code.UNAVAILABLE, listener.awaitClose().getCode());
    assertEquals(asList("started", "finished UNAVAILABLE"), metrics.events(CLIENT_UNARY));
  }

  /** Makes a unary call whose response listener throws, and returns the status it closed with. */
  private static Status callThrowingOnMessage(Channel channel, RuntimeException failure)
      throws Exception {
    ClientCall<String, String> call = channel.newCall(UNARY, CallOptions.DEFAULT);
    CloseRecordingListener listener =
        new CloseRecordingListener() {
          @Override
          public void onMessage(String message) {
            throw failure;
          }
        };
    call.start(listener, new Metadata());
    call.request(1);
    call.sendMessage("reply and I will throw");
    call.halfClose();
    return listener.awaitClose();
  }

  /**
   * An interceptor, meant to sit below ours, whose calls throw {@code failure} from start, after
   * closing the listener with {@code closeFirst} unless that is null.
   */
  private static ClientInterceptor failingStart(Status closeFirst, RuntimeException failure) {
    return new ClientInterceptor() {
      @Override
      public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
          MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<ReqT, RespT>(
            next.newCall(method, callOptions)) {
          @Override
          public void start(Listener<RespT> responseListener, Metadata headers) {
            if (closeFirst != null) {
              responseListener.onClose(closeFirst, new Metadata());
            }
            throw failure;
          }
        };
      }
    };
  }

  /** Takes a server's requests without acting on them. */
  private static final class IgnoringObserver implements StreamObserver<String> {
    @Override
    public void onNext(String request) {}

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }

  /** Remembers the status a call closed with. */
  private static class CloseRecordingListener extends ClientCall.Listener<String> {
    private final CompletableFuture<Status> closed = new CompletableFuture<>();

    @Override
    public void onClose(Status status, Metadata trailers) {
      closed.complete(status);
    }

    Status awaitClose() throws Exception {
      return closed.get(10, TimeUnit.SECONDS);
    }
  }
}
