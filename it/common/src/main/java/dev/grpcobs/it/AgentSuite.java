package dev.grpcobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcobs.it.app.ScenarioApp;
import dev.grpcobs.it.harness.ForkedApp;
import dev.grpcobs.it.harness.Poll;
import dev.grpcobs.it.harness.Scrape;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The agent attached to a forked gRPC application, compared call by call with what the
 * application did. Each gRPC-version module runs this suite on its own gRPC version.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AgentSuite {

  private static final String SERVICE = "test.Echo";
  private static final List<String> SERVER_KINDS =
      Arrays.asList("forPort", "grpc", "netty", "nettyShaded", "okhttp", "inprocess", "forwarding");

  protected ForkedApp app;
  protected int metricsPort;
  protected final Map<String, Integer> serverPorts = new LinkedHashMap<>();
  protected final List<String> channelKinds = new ArrayList<>();

  /** The gRPC version this module puts on the application's class path. */
  protected abstract String grpcVersion();

  @BeforeAll
  void startApp() throws Exception {
    assertTrue(
        ForkedApp.appClasspath().contains("grpc-api-" + grpcVersion() + ".jar"),
        "the application runs on gRPC " + grpcVersion());
    app =
        ForkedApp.start(
            ForkedApp.withAgent("service.name=it-app,http.port=0,http.host=127.0.0.1"),
            ForkedApp.appClasspath(),
            ScenarioApp.class.getName(),
            SERVER_KINDS);
    app.awaitLine(line -> line.equals("ready"), 60);
    for (String line : app.stdoutSeen()) {
      String[] parts = line.split(" ");
      if (parts[0].equals("server") && !parts[2].equals("unsupported")) {
        serverPorts.put(parts[1], Integer.parseInt(parts[2]));
      } else if (parts[0].equals("channels")) {
        channelKinds.addAll(Arrays.asList(parts).subList(1, parts.length));
      }
    }
    metricsPort = app.agentPort();
  }

  @AfterAll
  void stopApp() throws Exception {
    if (app != null) {
      app.close();
    }
  }

  protected Scrape scrape() throws Exception {
    return Scrape.of(metricsPort);
  }

  private static String[] labels(String type, String method, String... more) {
    List<String> all = new ArrayList<>(Arrays.asList(
        "grpc_type", type, "grpc_service", SERVICE, "grpc_method", method));
    all.addAll(Arrays.asList(more));
    return all.toArray(new String[0]);
  }

  /** Waits until server and client have both recorded {@code calls} more handled calls. */
  private Scrape awaitHandled(Scrape before, String type, String method, int calls)
      throws Exception {
    double server = before.sum("grpc_server_handled_total", labels(type, method)) + calls;
    double client = before.sum("grpc_client_handled_total", labels(type, method)) + calls;
    return Poll.until(
        this::scrape,
        s -> s.sum("grpc_server_handled_total", labels(type, method)) >= server
            && s.sum("grpc_client_handled_total", labels(type, method)) >= client,
        20);
  }

  private static void assertDelta(
      double expected, Scrape before, Scrape after, String name, String... labels) {
    assertEquals(
        expected,
        after.sum(name, labels) - before.sum(name, labels),
        name + Arrays.toString(labels));
  }

  @Test
  void everyServerBuilderPathIsInstrumentedExactlyOnce() throws Exception {
    Map<String, String> channelFor = new LinkedHashMap<>();
    channelFor.put("forPort", "forAddress");
    channelFor.put("grpc", "grpc");
    channelFor.put("netty", "netty");
    channelFor.put("nettyShaded", "nettyShaded");
    channelFor.put("okhttp", "okhttp");
    channelFor.put("inprocess", "inprocess");
    channelFor.put("forwarding", "forwarding");
    for (Map.Entry<String, String> e : channelFor.entrySet()) {
      if (!serverPorts.containsKey(e.getKey()) || !channelKinds.contains(e.getValue())) {
        continue;
      }
      String path = "server " + e.getKey() + " via channel " + e.getValue();
      Scrape before = scrape();
      assertEquals("result OK 1", app.send("call " + e.getValue() + " " + e.getKey() + " Unary 0 ok"), path);
      Scrape after = awaitHandled(before, "unary", "Unary", 1);
      for (String side : new String[] {"server", "client"}) {
        assertDelta(1, before, after, "grpc_" + side + "_started_total", labels("unary", "Unary"));
        assertDelta(1, before, after, "grpc_" + side + "_handled_total",
            labels("unary", "Unary", "grpc_code", "OK"));
        assertDelta(1, before, after, "grpc_" + side + "_msg_received_total", labels("unary", "Unary"));
        assertDelta(1, before, after, "grpc_" + side + "_msg_sent_total", labels("unary", "Unary"));
        assertDelta(1, before, after, "grpc_" + side + "_handling_seconds_count", labels("unary", "Unary"));
      }
    }
    assertTrue(serverPorts.size() >= 6, "servers started: " + serverPorts);
  }

  @Test
  void everyChannelBuilderPathIsInstrumentedExactlyOnce() throws Exception {
    for (String channel : Arrays.asList("forTarget", "okhttp", "netty", "forwarding", "grpc")) {
      if (!channelKinds.contains(channel)) {
        continue;
      }
      Scrape before = scrape();
      assertEquals("result OK 1", app.send("call " + channel + " nettyShaded Unary 0 ok"), channel);
      Scrape after = awaitHandled(before, "unary", "Unary", 1);
      assertDelta(1, before, after, "grpc_client_started_total", labels("unary", "Unary"));
      assertDelta(1, before, after, "grpc_client_handled_total",
          labels("unary", "Unary", "grpc_code", "OK"));
      assertDelta(1, before, after, "grpc_server_handled_total",
          labels("unary", "Unary", "grpc_code", "OK"));
    }
  }

  @Test
  void streamingCallsCountEveryMessage() throws Exception {
    Scrape before = scrape();
    assertEquals("result OK 5", app.send("call grpc grpc ServerStream 0 5"));
    Scrape after = awaitHandled(before, "server_stream", "ServerStream", 1);
    assertDelta(5, before, after, "grpc_server_msg_sent_total", labels("server_stream", "ServerStream"));
    assertDelta(1, before, after, "grpc_server_msg_received_total", labels("server_stream", "ServerStream"));
    assertDelta(5, before, after, "grpc_client_msg_received_total", labels("server_stream", "ServerStream"));
    assertDelta(1, before, after, "grpc_client_msg_sent_total", labels("server_stream", "ServerStream"));

    before = scrape();
    assertEquals("result OK 1", app.send("call grpc grpc ClientStream 0 a,b,c"));
    after = awaitHandled(before, "client_stream", "ClientStream", 1);
    assertDelta(3, before, after, "grpc_server_msg_received_total", labels("client_stream", "ClientStream"));
    assertDelta(3, before, after, "grpc_client_msg_sent_total", labels("client_stream", "ClientStream"));
    assertDelta(1, before, after, "grpc_server_handled_total",
        labels("client_stream", "ClientStream", "grpc_code", "OK"));

    before = scrape();
    assertEquals("result OK 4", app.send("call grpc grpc Bidi 0 a,b,c,d"));
    after = awaitHandled(before, "bidi_stream", "Bidi", 1);
    for (String side : new String[] {"server", "client"}) {
      assertDelta(4, before, after, "grpc_" + side + "_msg_received_total", labels("bidi_stream", "Bidi"));
      assertDelta(4, before, after, "grpc_" + side + "_msg_sent_total", labels("bidi_stream", "Bidi"));
      assertDelta(1, before, after, "grpc_" + side + "_handled_total",
          labels("bidi_stream", "Bidi", "grpc_code", "OK"));
    }
  }

  @Test
  void errorsAreCountedWithGoStyleCodeNames() throws Exception {
    String[][] cases = {
      {"Unary 0 fail:NOT_FOUND", "NOT_FOUND", "NotFound", "unary", "Unary"},
      {"Unary 0 fail:UNAVAILABLE", "UNAVAILABLE", "Unavailable", "unary", "Unary"},
      {"Unary 0 fail:PERMISSION_DENIED", "PERMISSION_DENIED", "PermissionDenied", "unary", "Unary"},
      {"Unary 0 throw", "UNKNOWN", "Unknown", "unary", "Unary"},
      {"ServerStream 0 2:fail:INTERNAL", "INTERNAL", "Internal", "server_stream", "ServerStream"},
    };
    for (String[] c : cases) {
      Scrape before = scrape();
      String result = app.send("call grpc grpc " + c[0]);
      assertTrue(result.startsWith("result " + c[1] + " "), c[0] + " -> " + result);
      Scrape after = awaitHandled(before, c[3], c[4], 1);
      for (String side : new String[] {"server", "client"}) {
        assertDelta(1, before, after, "grpc_" + side + "_handled_total",
            labels(c[3], c[4], "grpc_code", c[2]));
        assertDelta(1, before, after, "grpc_" + side + "_handled_total", labels(c[3], c[4]));
      }
    }
  }

  @Test
  void unknownMethodsCollapseIntoOneBoundedSeries() throws Exception {
    Scrape before = scrape();
    ManagedChannel outsider =
        ManagedChannelBuilder.forAddress("127.0.0.1", serverPorts.get("grpc")).usePlaintext().build();
    int calls = 40;
    try {
      for (int i = 0; i < calls; i++) {
        String service = i % 2 == 0 ? SERVICE : "random.Service" + UUID.randomUUID();
        MethodDescriptor<String, String> method =
            MethodDescriptor.<String, String>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(service + "/Random" + UUID.randomUUID().toString().replace("-", ""))
                .setRequestMarshaller(dev.grpcobs.it.app.EchoService.StringMarshaller.INSTANCE)
                .setResponseMarshaller(dev.grpcobs.it.app.EchoService.StringMarshaller.INSTANCE)
                .build();
        try {
          ClientCalls.blockingUnaryCall(outsider, method, CallOptions.DEFAULT, "x");
        } catch (StatusRuntimeException e) {
          assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
        }
      }
    } finally {
      outsider.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    String[] other = {"grpc_type", "unknown", "grpc_service", "other", "grpc_method", "other"};
    Scrape after =
        Poll.until(this::scrape, s -> s.sum("grpc_server_handled_total", other) >= before.sum("grpc_server_handled_total", other) + calls, 20);
    assertDelta(calls, before, after, "grpc_server_handled_total",
        "grpc_type", "unknown", "grpc_service", "other", "grpc_method", "other", "grpc_code", "Unimplemented");
    assertDelta(calls, before, after, "grpc_server_started_total", other);
    assertFalse(after.body().contains("Random"), "no random method name becomes a label value");
    assertFalse(after.body().contains("random.Service"), "no random service name becomes a label value");
    assertEquals(0, after.sum("grpc_server_in_flight_calls", other));
  }

  @Test
  void oversizedMessagesAreCountedAsResourceExhausted() throws Exception {
    Scrape before = scrape();
    // The server rejects the message before any handler runs. Older gRPC versions reset the
    // stream, so their client sees CANCELLED; newer ones pass RESOURCE_EXHAUSTED on.
    String result = app.send("call grpc grpc Unary 0 bytes:" + (5 * 1024 * 1024));
    assertTrue(
        result.startsWith("result RESOURCE_EXHAUSTED") || result.startsWith("result CANCELLED"),
        result);
    Scrape after =
        Poll.until(
            this::scrape,
            s -> s.sum("grpc_server_handled_total", "grpc_code", "ResourceExhausted")
                > before.sum("grpc_server_handled_total", "grpc_code", "ResourceExhausted"),
            20);
    assertDelta(1, before, after, "grpc_server_handled_total", "grpc_code", "ResourceExhausted");
    assertDelta(1, before, after, "grpc_server_handled_total");
    assertDelta(1, before, after, "grpc_client_handled_total", labels("unary", "Unary"));
    assertDelta(0, before, after, "grpc_client_handled_total", labels("unary", "Unary", "grpc_code", "OK"));
  }

  @Test
  void cancelledAndTimedOutCallsAreHandledExactlyOnce() throws Exception {
    Scrape before = scrape();
    assertTrue(app.send("cancel grpc grpc 300").startsWith("result CANCELLED"));
    Scrape after = awaitHandled(before, "server_stream", "ServerStream", 1);
    assertDelta(1, before, after, "grpc_client_handled_total",
        labels("server_stream", "ServerStream", "grpc_code", "Canceled"));
    assertDelta(1, before, after, "grpc_server_handled_total",
        labels("server_stream", "ServerStream", "grpc_code", "Canceled"));

    before = scrape();
    assertTrue(app.send("call grpc grpc Unary 200 sleep:1500").startsWith("result DEADLINE_EXCEEDED"));
    after = awaitHandled(before, "unary", "Unary", 1);
    assertDelta(1, before, after, "grpc_client_handled_total",
        labels("unary", "Unary", "grpc_code", "DeadlineExceeded"));
    assertDelta(1, before, after, "grpc_server_handled_total", labels("unary", "Unary"));
    assertDelta(1, before, after, "grpc_server_started_total", labels("unary", "Unary"));
    // Let the abandoned handler finish: it must not count the call a second time.
    Thread.sleep(1600);
    Scrape settled = scrape();
    assertDelta(1, before, settled, "grpc_server_handled_total", labels("unary", "Unary"));
    assertEquals(0, settled.sum("grpc_server_in_flight_calls"));
    assertEquals(0, settled.sum("grpc_client_in_flight_calls"));
  }

  @Test
  void callsInFlightAreVisibleWhileTheyRun() throws Exception {
    Scrape before = scrape();
    app.sendAsync("call grpc grpc Unary 0 sleep:1500");
    Scrape during =
        Poll.until(this::scrape, s -> s.sum("grpc_server_in_flight_calls", labels("unary", "Unary")) >= 1, 10);
    assertEquals(1, during.sum("grpc_server_in_flight_calls", labels("unary", "Unary")));
    assertEquals(1, during.sum("grpc_client_in_flight_calls", labels("unary", "Unary")));
    app.awaitLine(line -> line.startsWith("result "), 30);
    Scrape after = awaitHandled(before, "unary", "Unary", 1);
    assertEquals(0, after.sum("grpc_server_in_flight_calls", labels("unary", "Unary")));
    assertEquals(0, after.sum("grpc_client_in_flight_calls", labels("unary", "Unary")));
    // The 1.5 s call lands above the 1 s bucket and within the 2.5 s one.
    assertDelta(0, before, after, "grpc_server_handling_seconds_bucket", labels("unary", "Unary", "le", "1.0"));
    assertDelta(1, before, after, "grpc_server_handling_seconds_bucket", labels("unary", "Unary", "le", "2.5"));
  }

  @Test
  void latencyBucketsResolveSubMillisecondAndMultiSecondCalls() throws Exception {
    Scrape s = scrape();
    for (String le : new String[] {"1.0E-4", "2.5E-4", "0.001", "2.5", "30.0", "60.0", "120.0", "+Inf"}) {
      assertTrue(s.has("grpc_server_handling_seconds_bucket", "le", le), "bucket le=" + le + "\n" + s.body());
    }
  }

  @Test
  void metricsEndpointNegotiatesOpenMetrics() throws Exception {
    Scrape text = scrape();
    assertTrue(text.contentType().startsWith("text/plain; version=0.0.4"), text.contentType());
    assertTrue(text.body().contains("# TYPE grpc_server_started_total counter"), text.body());
    Scrape open = Scrape.of(metricsPort, "/metrics", "application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertTrue(open.contentType().startsWith("application/openmetrics-text"), open.contentType());
    assertTrue(open.body().trim().endsWith("# EOF"));
    assertTrue(open.body().contains("# TYPE grpc_server_started counter"), open.body());
  }

  @Test
  void jvmAndProcessSaturationMetricsAreExposed() throws Exception {
    Scrape s = scrape();
    for (String name : new String[] {
        "jvm_memory_used_bytes", "jvm_threads_current", "jvm_gc_collection_seconds_count",
        "process_cpu_seconds_total", "grpcobs_agent_info"}) {
      assertTrue(s.has(name), name + " is exposed");
    }
    assertTrue(s.has("grpcobs_agent_info", "service_name", "it-app"));
  }
}
