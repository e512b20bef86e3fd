package dev.grpcobs.it.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcobs.it.app.EchoService.StringMarshaller;
import dev.grpcobs.it.app.ScenarioApp;
import dev.grpcobs.it.harness.ForkedApp;
import dev.grpcobs.it.harness.Poll;
import dev.grpcobs.it.harness.Scrape;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import dev.grpcobs.it.logs.RequestLogFile;
import dev.grpcobs.it.logs.RequestLogLine;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The agent's traces, as a real OTLP/gRPC collector receives them from forked applications: one
 * SERVER span per server call and one CLIENT span per client call, linked across processes by
 * W3C trace context, with the RPC attributes, status and events of the call. Each gRPC-version
 * module that runs it puts {@code opentelemetry-proto} on its test class path.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class TracingSuite {

  private static final long SPAN_TIMEOUT_SECONDS = 20;
  private static final long LOAD_TIMEOUT_SECONDS = 45;
  private static final String ECHO = "test.Echo";
  private static final String SCENARIO_SERVICE = "it-tracing-scenario";
  /**
   * Codes that make a SERVER span an error (OpenTelemetry's gRPC conventions): the ones that blame
   * the server, not the caller. A CLIENT span is an error for every code but OK.
   */
  private static final Set<Long> SERVER_ERROR_CODES =
      new HashSet<>(Arrays.asList(2L, 4L, 12L, 13L, 14L, 15L));

  private static final long OK = 0;
  private static final long CANCELLED = 1;
  private static final long UNKNOWN = 2;
  private static final long DEADLINE_EXCEEDED = 4;
  private static final long NOT_FOUND = 5;

  private static final Pattern EXEMPLAR_LINE =
      Pattern.compile("grpc_server_handling_seconds_bucket\\{([^}]*)\\} \\S+ # \\{([^}]*)\\} .*");

  private OtlpReceiver receiver;
  /** One ScenarioApp, server and client in the same JVM, shared by the tests that only call. */
  private ForkedApp scenario;
  private int scenarioServerPort;

  @BeforeAll
  void startReceiverAndScenarioApp() throws Exception {
    receiver = OtlpReceiver.start();
    scenario = startScenarioApp(SCENARIO_SERVICE, receiver);
    scenarioServerPort = serverPort(scenario);
  }

  @AfterAll
  void stopAll() throws Exception {
    if (scenario != null) {
      scenario.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void aDemoShopRequestIsOneTraceAcrossThreeJvms() throws Exception {
    ForkedApp inventory = null;
    ForkedApp orders = null;
    try {
      inventory = startShop("shop-inventory", "inventory", "--port", "0");
      int inventoryPort = awaitListening(inventory, "inventory");
      orders =
          startShop("shop-orders", "orders", "--port", "0", "--inventory", "127.0.0.1:" + inventoryPort);
      int ordersPort = awaitListening(orders, "orders");
      // Load runs until both kinds of call have succeeded: a TrackOrder only succeeds once a
      // PlaceOrder has, and the first calls of three freshly started JVMs can be slow.
      ReceivedSpan placeOrder;
      ReceivedSpan trackOrder;
      long loadStopping;
      ForkedApp loadgen =
          startShop("shop-loadgen", "loadgen", "--target", "127.0.0.1:" + ordersPort,
              "--rps", "20", "--duration-s", "0");
      try {
        placeOrder =
            awaitSpan(receiver, 0, LOAD_TIMEOUT_SECONDS, "a loadgen CLIENT span of a successful PlaceOrder",
                s -> is(s, "shop-loadgen", "CLIENT", "shop.Orders/PlaceOrder") && code(s) == OK);
        trackOrder =
            awaitSpan(receiver, 0, LOAD_TIMEOUT_SECONDS,
                "a loadgen CLIENT span of a successful TrackOrder with several updates",
                s -> is(s, "shop-loadgen", "CLIENT", "shop.Orders/TrackOrder") && code(s) == OK
                    && count(s, "rpc.grpc.messages_received") > 1);
      } finally {
        loadStopping = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        stop(loadgen);
      }

      assertChainOfFour(placeOrder, "shop.Inventory/Reserve");
      List<ReceivedSpan> track = assertChainOfFour(trackOrder, "shop.Inventory/WatchStock");
      long updates = count(trackOrder, "rpc.grpc.messages_received");
      assertEquals(updates, count(track.get(1), "rpc.grpc.messages_sent"), "orders sent every update on: " + track);
      assertEquals(updates, count(track.get(2), "rpc.grpc.messages_received"), "orders' WatchStock call: " + track);
      assertEquals(updates, count(track.get(3), "rpc.grpc.messages_sent"), "inventory's WatchStock: " + track);

      List<String> shop = Arrays.asList("shop-loadgen", "shop-orders", "shop-inventory");
      for (ReceivedSpan span : receiver.spans()) {
        // Every call in this shop starts at the (instrumented) load generator. Once its JVM is
        // stopping, its agent has shut the tracer down, so the calls it still makes then carry no
        // trace context and rightly start traces in orders: those are left out.
        boolean beforeStop = span.startEpochNanos() < loadStopping;
        if (shop.contains(span.serviceName()) && beforeStop) {
          assertEquals(span.serviceName().equals("shop-loadgen"), span.isRoot(),
              "only the load generator's calls start traces: " + span);
        }
      }
    } finally {
      stop(orders);
      stop(inventory);
    }
  }

  /**
   * The request logs of the demo shop's three JVMs under a known workload (the load generator's
   * own count of calls): every call once in the log of each JVM it passed, on both sides, with the
   * trace and span ids of the spans the receiver got for it.
   */
  @Test
  void theDemoShopLogsEveryCallOnceInEachJvmWithTheIdsOfItsSpans() throws Exception {
    Path dir = Files.createTempDirectory("grpcobs-shop-logs");
    Path inventoryLog = dir.resolve("inventory.log");
    Path ordersLog = dir.resolve("orders.log");
    Path loadgenLog = dir.resolve("loadgen.log");
    ForkedApp inventory = null;
    ForkedApp orders = null;
    ForkedApp loadgen = null;
    try {
      inventory = startLoggingShop("shop-inventory", "logs.file=" + inventoryLog, "inventory", "--port", "0");
      int inventoryPort = awaitListening(inventory, "inventory");
      orders = startLoggingShop("shop-orders", "logs.file=" + ordersLog,
          "orders", "--port", "0", "--inventory", "127.0.0.1:" + inventoryPort);
      int ordersPort = awaitListening(orders, "orders");
      loadgen = startLoggingShop("shop-loadgen", "logs.file=" + loadgenLog,
          "loadgen", "--target", "127.0.0.1:" + ordersPort, "--rps", "20", "--duration-s", "3");
      String summary = loadgen.awaitLine(line -> line.startsWith("[loadgen] final "), 60);
      Matcher counts = Pattern.compile(" calls=(\\d+) ok=(\\d+) ").matcher(summary);
      assertTrue(counts.find(), summary);
      long calls = Long.parseLong(counts.group(1));
      long ok = Long.parseLong(counts.group(2));
      assertTrue(calls >= 20, summary);
      // The generator exits after its summary; its agent writes the rest of its log on the way out.
      loadgen.close();
      loadgen = null;

      List<RequestLogLine> made = awaitLogLines(loadgenLog, calls);
      assertTrue(made.stream().allMatch(RequestLogLine::isClient), "the generator only calls");
      assertEquals(ok, made.stream().filter(l -> l.code().equals("OK")).count(), summary);
      List<RequestLogLine> served = awaitLogLines(ordersLog, calls);
      List<RequestLogLine> ordersCalls = new ArrayList<>();
      for (RequestLogLine line : served) {
        if (line.isClient()) {
          ordersCalls.add(line);
        }
      }
      served.removeAll(ordersCalls);
      assertEquals(calls, served.size(), "orders served every call once: " + summary);
      for (RequestLogLine call : made) {
        List<RequestLogLine> server = withTrace(served, call.traceId());
        assertEquals(1, server.size(), "one orders line for " + call + ": " + server);
        assertEquals(call.fullMethod(), server.get(0).fullMethod(), server.get(0).raw());
        assertEquals(call.code(), server.get(0).code(), server.get(0).raw());
      }
      List<RequestLogLine> inventoryLines = awaitLogLines(inventoryLog, ordersCalls.size());
      assertTrue(inventoryLines.stream().allMatch(RequestLogLine::isServer), "inventory only serves");
      assertFalse(ordersCalls.isEmpty(), "orders called inventory");
      for (RequestLogLine call : ordersCalls) {
        assertEquals(1, withTrace(made, call.traceId()).size(), "in a generator's trace: " + call);
      }
      // One orders call may make several calls to inventory: per trace and method, as many lines
      // on each side (which line is which follows from the spans below).
      assertEquals(callsByTraceAndMethod(ordersCalls), callsByTraceAndMethod(inventoryLines));

      Map<String, List<RequestLogLine>> byService = new LinkedHashMap<>();
      byService.put("shop-loadgen", made);
      List<RequestLogLine> ordersLines = new ArrayList<>(served);
      ordersLines.addAll(ordersCalls);
      byService.put("shop-orders", ordersLines);
      byService.put("shop-inventory", inventoryLines);
      List<RequestLogLine> all = new ArrayList<>();
      byService.values().forEach(all::addAll);
      List<ReceivedSpan> spans = receiver.awaitSpans(
          received -> all.stream().allMatch(l -> spanOfLine(received, l) != null), LOAD_TIMEOUT_SECONDS);
      for (Map.Entry<String, List<RequestLogLine>> service : byService.entrySet()) {
        for (RequestLogLine line : service.getValue()) {
          ReceivedSpan span = spanOfLine(spans, line);
          assertEquals(service.getKey(), span.serviceName(), line.raw());
          assertEquals(service.getKey(), line.string("service.name"), line.raw());
          assertEquals(line.isServer() ? "SERVER" : "CLIENT", span.kind(), line.raw());
          assertEquals(line.fullMethod(), span.name(), line.raw());
          assertEquals(line.integer("grpc.status_code"), code(span), line.raw());
        }
      }
      // Each server line's span is the child of exactly one client line's span, one to one.
      assertServedOnceEach(made, served, spans);
      assertServedOnceEach(ordersCalls, inventoryLines, spans);
    } finally {
      stop(loadgen);
      stop(orders);
      stop(inventory);
    }
  }

  private static List<RequestLogLine> awaitLogLines(Path file, long count) throws Exception {
    return new ArrayList<>(RequestLogFile.awaitLines(file, count, LOAD_TIMEOUT_SECONDS));
  }

  private static Map<String, Long> callsByTraceAndMethod(List<RequestLogLine> lines) {
    return lines.stream().collect(
        Collectors.groupingBy(l -> l.traceId() + " " + l.fullMethod(), java.util.TreeMap::new, Collectors.counting()));
  }

  /** Every server line's span has a client line's span as parent, a different one each, same code. */
  private static void assertServedOnceEach(
      List<RequestLogLine> clientLines, List<RequestLogLine> serverLines, List<ReceivedSpan> spans) {
    Map<String, RequestLogLine> clientBySpan = new LinkedHashMap<>();
    for (RequestLogLine client : clientLines) {
      clientBySpan.put(client.spanId(), client);
    }
    Set<String> parents = new HashSet<>();
    for (RequestLogLine server : serverLines) {
      ReceivedSpan span = spanOfLine(spans, server);
      RequestLogLine client = clientBySpan.get(span.parentSpanId());
      assertNotNull(client, "the caller's line of " + server.raw());
      assertEquals(client.traceId(), server.traceId(), server.raw());
      assertEquals(client.fullMethod(), server.fullMethod(), server.raw());
      assertEquals(client.code(), server.code(), server.raw());
      assertTrue(parents.add(span.parentSpanId()), "served once: " + client.raw());
    }
  }

  private static List<RequestLogLine> withTrace(List<RequestLogLine> lines, String traceId) {
    assertNotNull(traceId, "a traced call's line has its trace id");
    return lines.stream().filter(l -> traceId.equals(l.traceId())).collect(Collectors.toList());
  }

  private static ReceivedSpan spanOfLine(List<ReceivedSpan> spans, RequestLogLine line) {
    for (ReceivedSpan span : spans) {
      if (span.spanId().equals(line.spanId()) && span.traceId().equals(line.traceId())) {
        return span;
      }
    }
    return null;
  }

  /**
   * Waits for and checks the trace a load generator call started: loadgen CLIENT → orders SERVER →
   * orders CLIENT of {@code inventoryMethod} → inventory SERVER, and nothing else in that trace.
   *
   * @return those four spans, in that order
   */
  private List<ReceivedSpan> assertChainOfFour(ReceivedSpan loadgenCall, String inventoryMethod)
      throws InterruptedException {
    String ordersMethod = loadgenCall.name();
    ReceivedSpan ordersServer =
        awaitSpan(receiver, 0, "the orders SERVER span of " + loadgenCall,
            s -> s.isChildOf(loadgenCall) && s.kind().equals("SERVER"));
    ReceivedSpan ordersClient =
        awaitSpan(receiver, 0, "the orders CLIENT span under " + ordersServer,
            s -> s.isChildOf(ordersServer) && s.kind().equals("CLIENT"));
    ReceivedSpan inventoryServer =
        awaitSpan(receiver, 0, "the inventory SERVER span of " + ordersClient,
            s -> s.isChildOf(ordersClient) && s.kind().equals("SERVER"));

    assertTrue(loadgenCall.isRoot(), "the load generator starts the trace: " + loadgenCall);
    assertTrue(is(ordersServer, "shop-orders", "SERVER", ordersMethod), ordersServer.toString());
    assertTrue(is(ordersClient, "shop-orders", "CLIENT", inventoryMethod), ordersClient.toString());
    assertTrue(is(inventoryServer, "shop-inventory", "SERVER", inventoryMethod), inventoryServer.toString());
    List<ReceivedSpan> chain = Arrays.asList(loadgenCall, ordersServer, ordersClient, inventoryServer);
    for (ReceivedSpan span : chain) {
      assertEquals(OK, code(span), span.toString());
    }
    List<ReceivedSpan> wholeTrace =
        receiver.spans().stream()
            .filter(s -> s.traceId().equals(loadgenCall.traceId()))
            .collect(Collectors.toList());
    assertEquals(4, wholeTrace.size(), "one trace, one span per call and side: " + wholeTrace);
    return chain;
  }

  @Test
  void aUnaryCallHasAClientSpanThatIsParentOfItsServerSpan() throws Exception {
    int from = receiver.spans().size();
    assertEquals("result OK 1", scenario.send("call grpc grpc Unary 0 ok"));
    ReceivedSpan[] call = awaitCallSpans(from, "Unary", OK);
    assertCallSpans(call, "Unary", OK, OK);
    for (ReceivedSpan span : call) {
      assertEquals(1L, count(span, "rpc.grpc.messages_sent"), span.toString());
      assertEquals(1L, count(span, "rpc.grpc.messages_received"), span.toString());
    }
  }

  @Test
  void aServerStreamCountsEveryMessage() throws Exception {
    int from = receiver.spans().size();
    assertEquals("result OK 5", scenario.send("call grpc grpc ServerStream 0 5"));
    ReceivedSpan[] call = awaitCallSpans(from, "ServerStream", OK);
    assertCallSpans(call, "ServerStream", OK, OK);
    ReceivedSpan client = call[0];
    ReceivedSpan server = call[1];
    assertEquals(5L, count(server, "rpc.grpc.messages_sent"), server.toString());
    assertEquals(1L, count(server, "rpc.grpc.messages_received"), server.toString());
    assertEquals(5L, count(client, "rpc.grpc.messages_received"), client.toString());
    assertEquals(1L, count(client, "rpc.grpc.messages_sent"), client.toString());
  }

  @Test
  void notFoundIsAnErrorForTheClientOnly() throws Exception {
    int from = receiver.spans().size();
    assertEquals("result NOT_FOUND 0", scenario.send("call grpc grpc Unary 0 fail:NOT_FOUND"));
    ReceivedSpan[] call = awaitCallSpans(from, "Unary", NOT_FOUND);
    assertCallSpans(call, "Unary", NOT_FOUND, NOT_FOUND);
    assertEquals("ERROR", call[0].statusCode(), call[0].toString());
    assertNotEquals("ERROR", call[1].statusCode(), call[1].toString());
  }

  @Test
  void aHandlerExceptionIsAnUnknownErrorWithAnExceptionEvent() throws Exception {
    int from = receiver.spans().size();
    assertEquals("result UNKNOWN 0", scenario.send("call grpc grpc Unary 0 throw"));
    ReceivedSpan[] call = awaitCallSpans(from, "Unary", UNKNOWN);
    assertCallSpans(call, "Unary", UNKNOWN, UNKNOWN);
    ReceivedSpan server = call[1];
    assertEquals("ERROR", server.statusCode(), server.toString());
    ReceivedSpan.Event exception = server.event("exception");
    assertNotNull(exception, "the handler's exception is recorded: " + server);
    assertEquals("java.lang.IllegalStateException", exception.attributes().get("exception.type"), exception.toString());
    assertEquals("handler failure requested by the test", exception.attributes().get("exception.message"),
        exception.toString());
  }

  @Test
  void aCancelledCallIsAClientError() throws Exception {
    int from = receiver.spans().size();
    assertEquals("result CANCELLED 0", scenario.send("cancel grpc grpc 300"));
    ReceivedSpan[] call = awaitCallSpans(from, "ServerStream", CANCELLED);
    assertCallSpans(call, "ServerStream", CANCELLED, CANCELLED);
    assertEquals("ERROR", call[0].statusCode(), call[0].toString());
  }

  @Test
  void anExpiredDeadlineIsAClientError() throws Exception {
    int from = receiver.spans().size();
    assertEquals("result DEADLINE_EXCEEDED 0", scenario.send("call grpc grpc Unary 200 sleep:1500"));
    ReceivedSpan[] call = awaitCallSpans(from, "Unary", DEADLINE_EXCEEDED);
    // The server ends the call on its own deadline timer or on the client's cancellation,
    // whichever comes first.
    long serverCode = code(call[1]);
    assertTrue(serverCode == DEADLINE_EXCEEDED || serverCode == CANCELLED, call[1].toString());
    assertCallSpans(call, "Unary", DEADLINE_EXCEEDED, serverCode);
    assertEquals("ERROR", call[0].statusCode(), call[0].toString());
  }

  /**
   * Waits for the CLIENT span of a ScenarioApp call that ended with {@code clientCode}, received
   * at or after index {@code from}, and the SERVER span it caused.
   *
   * @return {client, server}
   */
  private ReceivedSpan[] awaitCallSpans(int from, String method, long clientCode)
      throws InterruptedException {
    return awaitCallSpans(receiver, SCENARIO_SERVICE, from, ECHO + "/" + method, clientCode);
  }

  private static ReceivedSpan[] awaitCallSpans(
      OtlpReceiver receiver, String service, int from, String name, long clientCode)
      throws InterruptedException {
    ReceivedSpan client =
        awaitSpan(receiver, from, "a CLIENT span of " + name + " with status code " + clientCode,
            s -> is(s, service, "CLIENT", name) && code(s) == clientCode);
    ReceivedSpan server =
        awaitSpan(receiver, from, "a SERVER span that is a child of " + client,
            s -> s.isChildOf(client) && s.kind().equals("SERVER"));
    return new ReceivedSpan[] {client, server};
  }

  /** What every ScenarioApp call's pair of spans must show, whatever its outcome. */
  private void assertCallSpans(ReceivedSpan[] call, String method, long clientCode, long serverCode) {
    ReceivedSpan client = call[0];
    ReceivedSpan server = call[1];
    String name = ECHO + "/" + method;
    assertTrue(is(client, SCENARIO_SERVICE, "CLIENT", name), client.toString());
    assertTrue(is(server, SCENARIO_SERVICE, "SERVER", name), server.toString());
    assertTrue(client.isRoot(), "the command thread has no span, so the client span starts a trace: " + client);
    assertTrue(server.isChildOf(client), "the server continues the client's trace: " + server);
    for (ReceivedSpan span : call) {
      assertEquals("grpc", span.attribute("rpc.system"), span.toString());
      assertEquals(ECHO, span.attribute("rpc.service"), span.toString());
      assertEquals(method, span.attribute("rpc.method"), span.toString());
    }
    assertEquals(clientCode, code(client), client.toString());
    assertEquals(serverCode, code(server), server.toString());
    assertEquals(clientCode != OK, client.statusCode().equals("ERROR"), client.toString());
    assertEquals(SERVER_ERROR_CODES.contains(serverCode), server.statusCode().equals("ERROR"), server.toString());

    assertEquals("127.0.0.1", client.attribute("server.address"), client.toString());
    assertEquals((long) scenarioServerPort, client.attribute("server.port"), client.toString());
    assertEquals("127.0.0.1", server.attribute("network.peer.address"), server.toString());
    Long peerPort = server.longAttribute("network.peer.port");
    assertTrue(peerPort != null && peerPort > 0 && peerPort != scenarioServerPort,
        "the client's own port: " + server);
  }

  @Test
  void healthChecksAreNotTraced() throws Exception {
    int from = receiver.spans().size();
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", scenarioServerPort).usePlaintext().build();
    try {
      ServingStatus status =
          HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .check(HealthCheckRequest.newBuilder().setService("").build())
              .getStatus();
      assertEquals(ServingStatus.SERVING, status);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    // A later call's spans: the exporter sends spans in the order they end, so by the time these
    // arrive, a span of the health check would have arrived too.
    assertEquals("result OK 1", scenario.send("call grpc grpc Unary 0 ok"));
    awaitCallSpans(from, "Unary", OK);
    List<ReceivedSpan> all = receiver.spans();
    for (ReceivedSpan span : all.subList(from, all.size())) {
      assertFalse(span.name().startsWith("grpc.health.v1.Health/"), "health checks are not traced: " + span);
    }
  }

  @Test
  void traceContextAndBaggageFromAnUninstrumentedCallerAreContinuedAndPassedOn() throws Exception {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String callerSpanId = "00f067aa0ba902b7";
    ForkedApp orders = null;
    try (RecordingInventory inventory = RecordingInventory.start()) {
      orders =
          startShop("shop-orders-propagation", "orders", "--port", "0",
              "--inventory", "127.0.0.1:" + inventory.port());
      int ordersPort = awaitListening(orders, "orders");

      Metadata headers = new Metadata();
      headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
          "00-" + traceId + "-" + callerSpanId + "-01");
      headers.put(Metadata.Key.of("baggage", Metadata.ASCII_STRING_MARSHALLER), "it.tenant=acme");
      placeOrder(ordersPort, headers);

      ReceivedSpan server =
          awaitSpan(receiver, 0, "the orders SERVER span in the caller's trace",
              s -> s.traceId().equals(traceId) && s.kind().equals("SERVER"));
      assertEquals(callerSpanId, server.parentSpanId(), "the caller's span is the parent: " + server);
      assertEquals("shop.Orders/PlaceOrder", server.name(), server.toString());
      ReceivedSpan client =
          awaitSpan(receiver, 0, "the orders CLIENT span under " + server,
              s -> s.isChildOf(server) && s.kind().equals("CLIENT"));
      assertEquals("shop.Inventory/Reserve", client.name(), client.toString());

      Metadata seen = inventory.awaitRequestHeaders(10);
      assertEquals("00-" + traceId + "-" + client.spanId() + "-01",
          seen.get(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER)),
          "the inventory call carries the orders client span as parent");
      String baggage = seen.get(Metadata.Key.of("baggage", Metadata.ASCII_STRING_MARSHALLER));
      assertNotNull(baggage, "baggage is passed on: " + seen);
      assertTrue(Arrays.stream(baggage.split(",")).map(String::trim).anyMatch("it.tenant=acme"::equals),
          "the caller's baggage entry is passed on: " + baggage);
    } finally {
      stop(orders);
    }
  }

  /** A PlaceOrder call from this (uninstrumented) JVM, with extra request headers. */
  private static void placeOrder(int ordersPort, Metadata headers) throws InterruptedException {
    // PlaceOrderRequest{customer: "it"} in protobuf wire format: field 1, length 2; orders only
    // requires a customer, and the recording inventory accepts any reservation.
    String request = "\n\u0002it";
    MethodDescriptor<String, String> placeOrder =
        MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("shop.Orders/PlaceOrder")
            .setRequestMarshaller(StringMarshaller.INSTANCE)
            .setResponseMarshaller(StringMarshaller.INSTANCE)
            .build();
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", ordersPort).usePlaintext().build();
    try {
      String reply =
          ClientCalls.blockingUnaryCall(
              ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
              placeOrder,
              CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
              request);
      assertTrue(reply.contains("CONFIRMED"), "the order went through: " + reply);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aCollectorThatGoesAwayCostsSpansNotCallsAndExportResumes() throws Exception {
    try (OtlpReceiver collector = OtlpReceiver.start();
        ForkedApp app = startScenarioApp("it-tracing-fault", collector)) {
      int metricsPort = app.agentPort();
      assertEquals("result OK 1", app.send("call grpc grpc Unary 0 ok"));
      awaitCallSpans(collector, "it-tracing-fault", 0, ECHO + "/Unary", OK);
      // The collector keeps spans before it answers: stopping it before the exporter has its
      // answer would make the same spans both received and dropped as export_failed.
      Scrape acknowledged = Poll.until(() -> Scrape.of(metricsPort), s -> exported(s) >= 2, 10);
      assertEquals(2, exported(acknowledged), grpcobsLines(acknowledged));

      int port = collector.port();
      collector.stop();
      int calls = 50;
      long started = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        assertEquals("result OK 1", app.send("call grpc grpc Unary 0 ok"), "call " + i);
      }
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
      assertTrue(seconds < 15, "exporting never holds up the application's calls: " + seconds + " s");

      collector.restart();
      assertEquals(port, collector.port());
      assertEquals("result OK 1", app.send("call grpc grpc ClientStream 0 a"));
      awaitCallSpans(collector, "it-tracing-fault", 0, ECHO + "/ClientStream", OK);

      // Every span ended either reached the collector or is counted as dropped, once the
      // exporter has given up on or delivered what it held while the collector was away.
      long spansEnded = 2 * (1 + calls + 1);
      Scrape metrics =
          Poll.until(() -> Scrape.of(metricsPort), s -> exported(s) + dropped(s) >= spansEnded, 40);
      assertEquals(spansEnded, exported(metrics) + dropped(metrics),
          "spans exported + dropped:\n" + grpcobsLines(metrics));
      assertEquals(collector.spans().size(), exported(metrics),
          "exported spans are the ones the collector got:\n" + grpcobsLines(metrics));
      for (ReceivedSpan span : collector.spans()) {
        assertFalse(span.name().startsWith("opentelemetry.proto."), "the agent's own export is not traced: " + span);
      }
    }
  }

  private static long exported(Scrape metrics) {
    return (long) metrics.sum("grpcobs_spans_exported_total");
  }

  private static long dropped(Scrape metrics) {
    return (long) metrics.sum("grpcobs_spans_dropped_total");
  }

  private static String grpcobsLines(Scrape metrics) {
    return Arrays.stream(metrics.body().split("\n"))
        .filter(line -> line.startsWith("grpcobs_spans"))
        .collect(Collectors.joining("\n"));
  }

  @Test
  void latencyHistogramsCarryTheTraceOfACallAsExemplar() throws Exception {
    int from = receiver.spans().size();
    // The only Bidi call of this suite, so the exemplar of its buckets can only be this call's.
    assertEquals("result OK 2", scenario.send("call grpc grpc Bidi 0 a,b"));
    ReceivedSpan server = awaitCallSpans(from, "Bidi", OK)[1];

    int metricsPort = scenario.agentPort();
    String openMetrics = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    String body =
        Poll.until(() -> Scrape.of(metricsPort, "/metrics", openMetrics).body(),
            b -> exemplarOf(b, "Bidi") != null, 10);
    Map<String, String> exemplar = exemplarOf(body, "Bidi");
    assertNotNull(exemplar, "a Bidi latency bucket has an exemplar:\n" + bucketLines(body, "Bidi"));
    assertEquals(server.traceId(), exemplar.get("trace_id"), bucketLines(body, "Bidi"));
    assertEquals(server.spanId(), exemplar.get("span_id"), bucketLines(body, "Bidi"));
  }

  /** The exemplar labels of the first server latency bucket of {@code method} that has one. */
  private static Map<String, String> exemplarOf(String openMetricsBody, String method) {
    for (String line : bucketLines(openMetricsBody, method).split("\n")) {
      Matcher m = EXEMPLAR_LINE.matcher(line);
      if (m.matches()) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String pair : m.group(2).split(",")) {
          String[] kv = pair.split("=", 2);
          labels.put(kv[0].trim(), kv[1].replace("\"", ""));
        }
        return labels;
      }
    }
    return null;
  }

  private static String bucketLines(String body, String method) {
    return Arrays.stream(body.split("\n"))
        .filter(line -> line.startsWith("grpc_server_handling_seconds_bucket{")
            && line.contains("grpc_method=\"" + method + "\""))
        .collect(Collectors.joining("\n"));
  }

  @Test
  void anApplicationWithItsOwnOpenTelemetrySdkKeepsWorking() throws Exception {
    ForkedApp app = startScenarioApp("it-tracing-own-otel", receiver, "--own-libraries");
    try {
      String report = app.stdoutSeen().stream()
          .filter(line -> line.startsWith("own-libraries "))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no own-libraries report: " + app.stdoutSeen()));
      assertTrue(report.contains(" otel-spans=1 "), "the app's own SDK exported its span to its own exporter: " + report);

      int from = receiver.spans().size();
      assertEquals("result OK 1", app.send("call grpc grpc Unary 0 ok"));
      awaitCallSpans(receiver, "it-tracing-own-otel", from, ECHO + "/Unary", OK);
      for (ReceivedSpan span : receiver.spans()) {
        assertNotEquals("app-span", span.name(), "the app's own spans stay with the app's own SDK: " + span);
      }
      for (String line : app.stderr()) {
        assertFalse(line.startsWith("[grpc-observability-agent] WARNING"), line);
      }
    } finally {
      stop(app);
    }
  }

  /**
   * The standard OpenTelemetry variables every forked JVM gets: export over OTLP/gRPC to
   * {@code receiver} every 100 ms, and sample every call.
   */
  private static Map<String, String> tracingEnvironment(OtlpReceiver receiver) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
    env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
    env.put("OTEL_BSP_SCHEDULE_DELAY", "100");
    env.put("OTEL_TRACES_SAMPLER", "always_on");
    return env;
  }

  private static List<String> agent(String serviceName) {
    return ForkedApp.withAgent("http.port=0,http.host=127.0.0.1,service.name=" + serviceName);
  }

  private static ForkedApp startScenarioApp(String serviceName, OtlpReceiver receiver, String... flags)
      throws Exception {
    List<String> args = new ArrayList<>(Arrays.asList(flags));
    args.add("grpc");
    ForkedApp app =
        ForkedApp.start(agent(serviceName), ForkedApp.appClasspath(), ScenarioApp.class.getName(), args,
            tracingEnvironment(receiver));
    app.awaitLine(line -> line.equals("ready"), 60);
    return app;
  }

  private static int serverPort(ForkedApp scenarioApp) {
    for (String line : scenarioApp.stdoutSeen()) {
      if (line.startsWith("server grpc ")) {
        return Integer.parseInt(line.substring("server grpc ".length()));
      }
    }
    throw new AssertionError("no grpc server port in " + scenarioApp.stdoutSeen());
  }

  private ForkedApp startShop(String serviceName, String... args) throws Exception {
    return ForkedApp.start(agent(serviceName), demoShopJar(), "dev.grpcobs.demo.DemoShop",
        Arrays.asList(args), tracingEnvironment(receiver));
  }

  /** As {@link #startShop(String, String...)}, with more agent arguments ({@code key=value,...}). */
  private ForkedApp startLoggingShop(String serviceName, String agentArgs, String first, String... rest)
      throws Exception {
    List<String> args = new ArrayList<>();
    args.add(first);
    args.addAll(Arrays.asList(rest));
    return ForkedApp.start(
        ForkedApp.withAgent("http.port=0,http.host=127.0.0.1,service.name=" + serviceName + "," + agentArgs),
        demoShopJar(), "dev.grpcobs.demo.DemoShop", args, tracingEnvironment(receiver));
  }

  private static int awaitListening(ForkedApp shop, String name) throws InterruptedException {
    String prefix = name + " listening on ";
    return Integer.parseInt(shop.awaitLine(line -> line.startsWith(prefix), 60).substring(prefix.length()));
  }

  /**
   * SIGTERM first: the shop's servers ignore stdin, and the own libraries of a ScenarioApp keep it
   * alive after {@code quit}, so {@link ForkedApp#close} alone would wait for its time-out.
   */
  private static void stop(ForkedApp app) throws Exception {
    if (app == null) {
      return;
    }
    if (app.isAlive()) {
      app.terminate();
    }
    app.close();
  }

  /** The demo shop's runnable jar, built by the demo-app module of the same checkout as the agent. */
  private static String demoShopJar() {
    File root = new File(ForkedApp.agentJar()).getAbsoluteFile().getParentFile().getParentFile().getParentFile();
    File jar = new File(root, "demo-app/target/demo-shop.jar");
    if (!jar.isFile()) {
      throw new IllegalStateException("demo shop jar not found at " + jar + "; build the demo-app module first");
    }
    return jar.getPath();
  }

  /**
   * Waits for a span matching {@code match} among those received at or after index {@code from},
   * and returns the first one.
   */
  private static ReceivedSpan awaitSpan(
      OtlpReceiver receiver, int from, String description, Predicate<ReceivedSpan> match)
      throws InterruptedException {
    return awaitSpan(receiver, from, SPAN_TIMEOUT_SECONDS, description, match);
  }

  private static ReceivedSpan awaitSpan(
      OtlpReceiver receiver, int from, long timeoutSeconds, String description,
      Predicate<ReceivedSpan> match)
      throws InterruptedException {
    List<ReceivedSpan> spans;
    try {
      spans = receiver.awaitSpans(
          all -> all.subList(from, all.size()).stream().anyMatch(match), timeoutSeconds);
    } catch (AssertionError e) {
      throw new AssertionError("expected " + description + ": " + e.getMessage(), e);
    }
    return spans.subList(from, spans.size()).stream().filter(match).findFirst().get();
  }

  private static boolean is(ReceivedSpan span, String service, String kind, String name) {
    return service.equals(span.serviceName()) && kind.equals(span.kind()) && name.equals(span.name());
  }

  /** The span's {@code rpc.grpc.status_code}, or -1 if it has none. */
  private static long code(ReceivedSpan span) {
    Long code = span.longAttribute("rpc.grpc.status_code");
    return code == null ? -1 : code;
  }

  /** An integer attribute such as a message count, or -1 if the span does not have it. */
  private static long count(ReceivedSpan span, String attribute) {
    Long value = span.longAttribute(attribute);
    return value == null ? -1 : value;
  }
}
