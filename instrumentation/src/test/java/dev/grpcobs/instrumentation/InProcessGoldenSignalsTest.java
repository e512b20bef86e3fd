package dev.grpcobs.instrumentation;

import static dev.grpcobs.instrumentation.RecordingRpcMetrics.Series.client;
import static dev.grpcobs.instrumentation.RecordingRpcMetrics.Series.server;
import static dev.grpcobs.instrumentation.TestMethods.BIDI;
import static dev.grpcobs.instrumentation.TestMethods.CLIENT_STREAM;
import static dev.grpcobs.instrumentation.TestMethods.SERVER_STREAM;
import static dev.grpcobs.instrumentation.TestMethods.SERVICE;
import static dev.grpcobs.instrumentation.TestMethods.UNARY;
import static io.grpc.stub.ServerCalls.asyncBidiStreamingCall;
import static io.grpc.stub.ServerCalls.asyncClientStreamingCall;
import static io.grpc.stub.ServerCalls.asyncServerStreamingCall;
import static io.grpc.stub.ServerCalls.asyncUnaryCall;
import static java.util.Arrays.asList;
import static java.util.Collections.singleton;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcobs.bridge.RpcMetrics;
import dev.grpcobs.instrumentation.RecordingRpcMetrics.Series;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the server tracer and the client interceptor record for complete calls of every type,
 * for errors and for unknown methods, with both installed by hand on in-process transports.
 */
class InProcessGoldenSignalsTest {

  private static final Series SERVER_UNARY = server(SERVICE, "Unary", "unary");
  private static final Series CLIENT_UNARY = client(SERVICE, "Unary", "unary");

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
  void unaryOkIsRecordedOnceOnEachSideWithItsLabels() throws Exception {
    grpc.startServer(TestMethods.unaryEchoService());

    String reply = unary(grpc.instrumentedChannel(), "ping");

    assertEquals("ping", reply);
    assertEquals(
        asList("started", "received", "sent", "finished OK"), metrics.awaitFinished(SERVER_UNARY));
    // A client sends its request before it can receive the reply.
    assertEquals(
        asList("started", "sent", "received", "finished OK"), metrics.events(CLIENT_UNARY));
    assertEquals(singleton(SERVER_UNARY), metrics.series(true));
    assertEquals(singleton(CLIENT_UNARY), metrics.series(false));
    for (Series series : asList(SERVER_UNARY, CLIENT_UNARY)) {
      List<Long> durations = metrics.durations(series);
      assertEquals(1, durations.size(), series.toString());
      assertTrue(durations.get(0) > 0, series + " duration " + durations.get(0));
    }
  }

  @Test
  void serverStreamingCountsEveryReply() throws Exception {
    grpc.startServer(
        TestMethods.service()
            .addMethod(
                SERVER_STREAM,
                asyncServerStreamingCall(
                    (request, responses) -> {
                      for (int i = 1; i <= 3; i++) {
                        responses.onNext(request + i);
                      }
                      responses.onCompleted();
                    }))
            .build());

    List<String> replies = new ArrayList<>();
    ClientCalls.blockingServerStreamingCall(
            grpc.instrumentedChannel(), SERVER_STREAM, CallOptions.DEFAULT, "r")
        .forEachRemaining(replies::add);

    assertEquals(asList("r1", "r2", "r3"), replies);
    assertEquals(
        asList("started", "received", "sent", "sent", "sent", "finished OK"),
        metrics.awaitFinished(server(SERVICE, "ServerStream", "server_stream")));
    assertEquals(
        asList("started", "sent", "received", "received", "received", "finished OK"),
        metrics.events(client(SERVICE, "ServerStream", "server_stream")));
  }

  @Test
  void clientStreamingCountsEveryRequest() throws Exception {
    grpc.startServer(
        TestMethods.service()
            .addMethod(
                CLIENT_STREAM,
                asyncClientStreamingCall(
                    responses ->
                        new StreamObserver<String>() {
                          private int count;

                          @Override
                          public void onNext(String request) {
                            count++;
                          }

                          @Override
                          public void onError(Throwable t) {}

                          @Override
                          public void onCompleted() {
                            responses.onNext("got " + count);
                            responses.onCompleted();
                          }
                        }))
            .build());

    ResponseCollector replies = new ResponseCollector();
    StreamObserver<String> requests =
        ClientCalls.asyncClientStreamingCall(
            grpc.instrumentedChannel().newCall(CLIENT_STREAM, CallOptions.DEFAULT), replies);
    for (int i = 0; i < 4; i++) {
      requests.onNext("q" + i);
    }
    requests.onCompleted();

    assertEquals(asList("got 4"), replies.await());
    assertEquals(
        asList("started", "received", "received", "received", "received", "sent", "finished OK"),
        metrics.awaitFinished(server(SERVICE, "ClientStream", "client_stream")));
    assertEquals(
        asList("started", "sent", "sent", "sent", "sent", "received", "finished OK"),
        metrics.events(client(SERVICE, "ClientStream", "client_stream")));
  }

  @Test
  void bidiStreamingCountsBothDirections() throws Exception {
    int messages = 5;
    grpc.startServer(
        TestMethods.service()
            .addMethod(
                BIDI,
                asyncBidiStreamingCall(
                    responses ->
                        new StreamObserver<String>() {
                          @Override
                          public void onNext(String request) {
                            responses.onNext(request);
                          }

                          @Override
                          public void onError(Throwable t) {}

                          @Override
                          public void onCompleted() {
                            responses.onCompleted();
                          }
                        }))
            .build());

    ResponseCollector replies = new ResponseCollector();
    StreamObserver<String> requests =
        ClientCalls.asyncBidiStreamingCall(
            grpc.instrumentedChannel().newCall(BIDI, CallOptions.DEFAULT), replies);
    List<String> sent =
        IntStream.range(0, messages).mapToObj(i -> "m" + i).collect(Collectors.toList());
    sent.forEach(requests::onNext);
    requests.onCompleted();

    assertEquals(sent, replies.await());
    // How sends and receives interleave is up to the transport's scheduling; assert only counts
    // and that every message lies between started and finished.
    assertBracketedCounts(
        metrics.awaitFinished(server(SERVICE, "Bidi", "bidi_stream")), messages, messages, "OK");
    assertBracketedCounts(
        metrics.events(client(SERVICE, "Bidi", "bidi_stream")), messages, messages, "OK");
  }

  @Test
  void errorStatusFromTheHandlerIsRecordedOnBothSides() throws Exception {
    grpc.startServer(
        TestMethods.service()
            .addMethod(
                UNARY,
                asyncUnaryCall(
                    (request, responses) ->
                        responses.onError(
                            Status.NOT_FOUND
                                .withDescription("no " + request)
                                .asRuntimeException())))
            .build());

    StatusRuntimeException failure =
        assertThrows(
            StatusRuntimeException.class, () -> unary(grpc.instrumentedChannel(), "thing"));

    assertEquals(Status.Code.NOT_FOUND, failure.getStatus().getCode());
    assertEquals("no thing", failure.getStatus().getDescription());
    assertEquals(
        asList("started", "received", "finished NOT_FOUND"), metrics.awaitFinished(SERVER_UNARY));
    assertEquals(asList("started", "sent", "finished NOT_FOUND"), metrics.events(CLIENT_UNARY));
  }

  @Test
  void handlerThatThrowsIsRecordedAsUnknownAndTheClientSeesUnknown() throws Exception {
    CountDownLatch handlerThrew = new CountDownLatch(1);
    grpc.startServer(
        TestMethods.service()
            .addMethod(
                UNARY,
                asyncUnaryCall(
                    (request, responses) -> {
                      handlerThrew.countDown();
                      throw new IllegalStateException("bug in the handler (expected by the test)");
                    }))
            .build());

    StatusRuntimeException failure =
        assertThrows(
            StatusRuntimeException.class, () -> unary(grpc.instrumentedChannel(), "boom"));

    assertEquals(0, handlerThrew.getCount());
    // gRPC itself turns the handler's exception into UNKNOWN; the tracer must neither hide that
    // nor turn it into some other status.
    assertEquals(Status.Code.UNKNOWN, failure.getStatus().getCode());
    assertEquals(
        asList("started", "received", "finished UNKNOWN"), metrics.awaitFinished(SERVER_UNARY));
    assertEquals(asList("started", "sent", "finished UNKNOWN"), metrics.events(CLIENT_UNARY));
  }

  @Test
  void unknownMethodIsRecordedOnceUnderTheBoundedOtherSeries() throws Exception {
    grpc.startServer(TestMethods.unaryEchoService());
    // A name nobody serves, as a scanner or a misconfigured client would send.
    String randomName = "NoSuch" + UUID.randomUUID().toString().replace("-", "");
    MethodDescriptor<String, String> unknown = TestMethods.method(MethodType.UNARY, randomName);

    StatusRuntimeException failure =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                ClientCalls.blockingUnaryCall(
                    grpc.instrumentedChannel(), unknown, CallOptions.DEFAULT, "hello?"));

    assertEquals(Status.Code.UNIMPLEMENTED, failure.getStatus().getCode());
    Series other = server(RpcMetrics.OTHER, RpcMetrics.OTHER, "unknown");
    assertEquals(asList("started", "finished UNIMPLEMENTED"), metrics.awaitFinished(other));
    assertEquals(singleton(other), metrics.series(true));
    assertEquals(1, metrics.lookups(other));

    Series clientSeries = client(SERVICE, randomName, "unary");
    assertEquals(singleton(clientSeries), metrics.series(false));
    // The server rejects the call as soon as it opens, so whether the close overtakes the
    // request on its way out is up to scheduling: compare the events regardless of order.
    List<String> clientEvents = metrics.events(clientSeries);
    Collections.sort(clientEvents);
    assertEquals(asList("finished UNIMPLEMENTED", "sent", "started"), clientEvents);
  }

  @Test
  void eachMethodIsLookedUpOncePerSideAcrossCallsAndChannels() throws Exception {
    grpc.startServer(
        TestMethods.service()
            .addMethod(UNARY, asyncUnaryCall(TestMethods.echo()))
            .addMethod(SERVER_STREAM, asyncServerStreamingCall(TestMethods.echo()::invoke))
            .build());
    // Two channels from the same instrumenter share its interceptor, and so its cache.
    List<ManagedChannel> channels = asList(grpc.instrumentedChannel(), grpc.instrumentedChannel());

    for (int i = 0; i < 10; i++) {
      Channel channel = channels.get(i % channels.size());
      unary(channel, "u" + i);
      ClientCalls.blockingServerStreamingCall(channel, SERVER_STREAM, CallOptions.DEFAULT, "s" + i)
          .forEachRemaining(reply -> {});
    }

    for (Series series :
        asList(
            SERVER_UNARY,
            CLIENT_UNARY,
            server(SERVICE, "ServerStream", "server_stream"),
            client(SERVICE, "ServerStream", "server_stream"))) {
      assertEquals(1, metrics.lookups(series), series.toString());
      List<String> events =
          metrics.awaitEvents(series, seen -> RecordingRpcMetrics.finishes(seen) == 10);
      assertEquals(10, Collections.frequency(events, "started"), series.toString());
    }
  }

  @Test
  void durationsCoverTheTimeTheHandlerWasHeld() throws Exception {
    CountDownLatch handlerEntered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    grpc.startServer(
        TestMethods.service()
            .addMethod(
                UNARY,
                asyncUnaryCall(
                    (request, responses) -> {
                      handlerEntered.countDown();
                      Latches.await(release);
                      responses.onNext(request);
                      responses.onCompleted();
                    }))
            .build());
    ManagedChannel channel = grpc.instrumentedChannel();
    // With direct executors the handler runs on the calling thread, so call from another one.
    ExecutorService caller = Executors.newSingleThreadExecutor();
    long heldNanos;
    try {
      Future<String> reply = caller.submit(() -> unary(channel, "slow"));
      Latches.await(handlerEntered);
      long heldFrom = System.nanoTime();
      // Hold the handler long enough to dwarf the call's own overhead; only a lower bound is
      // asserted, so a slow machine cannot fail this.
      Thread.sleep(50);
      heldNanos = System.nanoTime() - heldFrom;
      release.countDown();
      assertEquals("slow", reply.get(10, TimeUnit.SECONDS));
    } finally {
      release.countDown();
      caller.shutdownNow();
    }

    metrics.awaitFinished(SERVER_UNARY);
    for (Series series : asList(SERVER_UNARY, CLIENT_UNARY)) {
      List<Long> durations = metrics.durations(series);
      assertEquals(1, durations.size(), series.toString());
      assertTrue(
          durations.get(0) >= heldNanos,
          series + " duration " + durations.get(0) + " < held " + heldNanos);
    }
  }

  private static String unary(Channel channel, String request) {
    return ClientCalls.blockingUnaryCall(channel, UNARY, CallOptions.DEFAULT, request);
  }

  private static void assertBracketedCounts(
      List<String> events, int received, int sent, String code) {
    assertEquals("started", events.get(0), events.toString());
    assertEquals("finished " + code, events.get(events.size() - 1), events.toString());
    List<String> messages = events.subList(1, events.size() - 1);
    assertEquals(received, Collections.frequency(messages, "received"), events.toString());
    assertEquals(sent, Collections.frequency(messages, "sent"), events.toString());
    assertEquals(received + sent, messages.size(), events.toString());
  }

  /** Collects a call's responses and completes once the server has finished it. */
  private static final class ResponseCollector implements StreamObserver<String> {
    private final List<String> responses = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<List<String>> done = new CompletableFuture<>();

    @Override
    public void onNext(String response) {
      responses.add(response);
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      done.complete(new ArrayList<>(responses));
    }

    List<String> await() throws Exception {
      return done.get(10, TimeUnit.SECONDS);
    }
  }
}
