package dev.grpcobs.exporter.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcobs.bridge.RpcTracing;
import dev.grpcobs.bridge.RpcTracing.RpcSpan;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OtelTracingTest {

  static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  static final String REMOTE_SPAN_ID = "b7ad6b7169203331";
  static final String TRACEPARENT = "00-" + TRACE_ID + "-" + REMOTE_SPAN_ID + "-01";
  static final String PLACE_ORDER = "shop.Orders/PlaceOrder";
  static final String RESERVE = "shop.Inventory/Reserve";

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final List<OtelTracing> started = new ArrayList<>();
  private OtelTracing tracing;

  @BeforeEach
  void startTracing() {
    tracing = start(new TracingSettings(), Collections.<String, String>emptyMap());
  }

  @AfterEach
  void shutdown() {
    for (OtelTracing t : started) {
      t.shutdown();
    }
  }

  /** Settings that hold whatever the environment of the test run says. */
  static Map<String, String> baseProperties() {
    Map<String, String> p = new HashMap<>();
    p.put("otel.traces.exporter", "otlp");
    p.put("otel.traces.sampler", "parentbased_always_on");
    p.put("otel.propagators", "tracecontext,baggage");
    p.put("otel.sdk.disabled", "false");
    p.put("otel.bsp.schedule.delay", "60000");
    p.put("otel.bsp.max.export.batch.size", "512");
    return p;
  }

  private OtelTracing start(TracingSettings settings, Map<String, String> extra) {
    return start(settings, extra, exported, registry);
  }

  private OtelTracing start(
      TracingSettings settings,
      Map<String, String> extra,
      io.opentelemetry.sdk.trace.export.SpanExporter exporter,
      PrometheusRegistry target) {
    Map<String, String> properties = baseProperties();
    properties.putAll(extra);
    OtelTracing.StartResult result = OtelTracing.start(settings, target, properties, exporter);
    assertEquals(Optional.empty(), result.problem());
    OtelTracing t = result.tracing().get();
    started.add(t);
    return t;
  }

  private List<SpanData> flushed(OtelTracing t) {
    assertTrue(t.flush(30, TimeUnit.SECONDS));
    return exported.getFinishedSpanItems();
  }

  private static SpanData named(List<SpanData> spans, String name) {
    SpanData found = null;
    for (SpanData span : spans) {
      if (span.getName().equals(name)) {
        assertNull(found, "two spans named " + name);
        found = span;
      }
    }
    assertNotNull(found, "no span named " + name + " in " + spans);
    return found;
  }

  @Test
  void serverSpanContinuesTheIncomingTraceAndKeepsItsBaggage() {
    Map<String, String> incoming = new HashMap<>();
    incoming.put("traceparent", TRACEPARENT);
    incoming.put("baggage", "tenant=acme");

    RpcSpan server = tracing.startServerSpan(PLACE_ORDER, incoming::get);
    RpcSpan client = tracing.startClientSpan(server, RESERVE, "inventory:50051");
    Map<String, String> outgoing = new LinkedHashMap<>();
    client.inject(outgoing::put);
    client.end(0, null, null);
    server.end(0, null, null);

    List<SpanData> spans = flushed(tracing);
    assertEquals(2, spans.size());
    SpanData serverSpan = named(spans, PLACE_ORDER);
    SpanData clientSpan = named(spans, RESERVE);
    assertEquals(TRACE_ID, serverSpan.getTraceId());
    assertEquals(REMOTE_SPAN_ID, serverSpan.getParentSpanId());
    assertTrue(serverSpan.getParentSpanContext().isRemote());
    assertEquals(SpanKind.SERVER, serverSpan.getKind());
    assertEquals(TRACE_ID, clientSpan.getTraceId());
    assertEquals(serverSpan.getSpanId(), clientSpan.getParentSpanId());
    assertEquals(SpanKind.CLIENT, clientSpan.getKind());

    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("traceparent", "00-" + TRACE_ID + "-" + clientSpan.getSpanId() + "-01");
    expected.put("baggage", "tenant=acme");
    assertEquals(expected, outgoing);

    assertEquals(TRACE_ID, server.sampledTraceId());
    assertEquals(serverSpan.getSpanId(), server.sampledSpanId());
    assertEquals(TRACE_ID, client.sampledTraceId());
    assertEquals(clientSpan.getSpanId(), client.sampledSpanId());
  }

  @Test
  void spansWithoutParentStartNewTraces() {
    RpcSpan server = tracing.startServerSpan(PLACE_ORDER, name -> null);
    RpcSpan client = tracing.startClientSpan(null, RESERVE, null);
    RpcSpan clientOfNoop = tracing.startClientSpan(RpcSpan.NOOP, RESERVE + "2", null);
    RpcSpan serverWithoutHeaders = tracing.startServerSpan(null, null);
    server.end(0, null, null);
    client.end(0, null, null);
    clientOfNoop.end(0, null, null);
    serverWithoutHeaders.end(0, null, null);

    List<SpanData> spans = flushed(tracing);
    assertEquals(4, spans.size());
    for (SpanData span : spans) {
      assertFalse(span.getParentSpanContext().isValid(), span.toString());
    }
    assertEquals(4, spans.stream().map(SpanData::getTraceId).distinct().count());
    assertEquals(
        Attributes.builder()
            .put("rpc.system", "grpc")
            .put("rpc.grpc.status_code", 0L)
            .put("rpc.grpc.messages_sent", 0L)
            .put("rpc.grpc.messages_received", 0L)
            .build()
            .asMap(),
        named(spans, OtelTracing.UNKNOWN_METHOD).getAttributes().asMap());
  }

  @Test
  void serverSpanOfASuccessfulCall() {
    RpcSpan span = tracing.startServerSpan(PLACE_ORDER, name -> null);
    span.setPeer("10.1.2.3", 41234);
    span.messageReceived();
    span.messageSent();
    span.messageSent();
    span.end(0, null, null);

    SpanData data = named(flushed(tracing), PLACE_ORDER);
    assertEquals(SpanKind.SERVER, data.getKind());
    assertEquals(StatusData.unset(), data.getStatus());
    assertEquals(
        Attributes.builder()
            .put("rpc.system", "grpc")
            .put("rpc.service", "shop.Orders")
            .put("rpc.method", "PlaceOrder")
            .put("network.peer.address", "10.1.2.3")
            .put("network.peer.port", 41234L)
            .put("rpc.grpc.status_code", 0L)
            .put("rpc.grpc.messages_sent", 2L)
            .put("rpc.grpc.messages_received", 1L)
            .build()
            .asMap(),
        data.getAttributes().asMap());
    assertEquals(Collections.emptyList(), data.getEvents());
    assertEquals(OtelTracing.INSTRUMENTATION_SCOPE, data.getInstrumentationScopeInfo().getName());
  }

  @Test
  void clientSpanOfASuccessfulCall() {
    RpcSpan span = tracing.startClientSpan(null, RESERVE, "inventory.shop.svc:8443");
    span.messageSent();
    span.messageReceived();
    span.end(0, "ignored", null);

    SpanData data = named(flushed(tracing), RESERVE);
    assertEquals(SpanKind.CLIENT, data.getKind());
    assertEquals(StatusData.unset(), data.getStatus());
    assertEquals(
        Attributes.builder()
            .put("rpc.system", "grpc")
            .put("rpc.service", "shop.Inventory")
            .put("rpc.method", "Reserve")
            .put("server.address", "inventory.shop.svc")
            .put("server.port", 8443L)
            .put("rpc.grpc.status_code", 0L)
            .put("rpc.grpc.messages_sent", 1L)
            .put("rpc.grpc.messages_received", 1L)
            .build()
            .asMap(),
        data.getAttributes().asMap());
  }

  @Test
  void notFoundIsAnErrorOfTheClientOnly() {
    RpcSpan server = tracing.startServerSpan(PLACE_ORDER, name -> null);
    RpcSpan client = tracing.startClientSpan(server, RESERVE, "inventory:50051");
    client.end(5, "no such item", null);
    server.end(5, "no such order", null);

    List<SpanData> spans = flushed(tracing);
    SpanData serverSpan = named(spans, PLACE_ORDER);
    SpanData clientSpan = named(spans, RESERVE);
    assertEquals(StatusData.unset(), serverSpan.getStatus());
    assertEquals(5L, serverSpan.getAttributes().get(RpcAttributes.RPC_GRPC_STATUS_CODE));
    assertEquals(StatusData.create(StatusCode.ERROR, "no such item"), clientSpan.getStatus());
    assertEquals(5L, clientSpan.getAttributes().get(RpcAttributes.RPC_GRPC_STATUS_CODE));
  }

  @Test
  void serverErrorsFollowTheSemanticConventions() {
    for (int code = 0; code <= 16; code++) {
      RpcSpan span = tracing.startServerSpan("shop.Orders/M" + code, name -> null);
      span.end(code, "status " + code, null);
    }
    RpcSpan noDescription = tracing.startServerSpan("shop.Orders/Bare", name -> null);
    noDescription.end(14, null, null);

    List<SpanData> spans = flushed(tracing);
    List<Integer> errors = new ArrayList<>();
    for (int code = 0; code <= 16; code++) {
      SpanData span = named(spans, "shop.Orders/M" + code);
      if (span.getStatus().getStatusCode() == StatusCode.ERROR) {
        errors.add(code);
        assertEquals(StatusData.create(StatusCode.ERROR, "status " + code), span.getStatus());
      } else {
        assertEquals(StatusData.unset(), span.getStatus());
      }
    }
    assertEquals(Arrays.asList(2, 4, 12, 13, 14, 15), errors);
    assertEquals(StatusData.error(), named(spans, "shop.Orders/Bare").getStatus());
  }

  @Test
  void clientErrorsAreEveryNonOkStatus() {
    for (int code = 0; code <= 16; code++) {
      tracing.startClientSpan(null, "shop.Orders/M" + code, null).end(code, "d" + code, null);
    }
    List<SpanData> spans = flushed(tracing);
    for (int code = 0; code <= 16; code++) {
      StatusData expected =
          code == 0 ? StatusData.unset() : StatusData.create(StatusCode.ERROR, "d" + code);
      assertEquals(expected, named(spans, "shop.Orders/M" + code).getStatus(), "code " + code);
    }
  }

  @Test
  void causesAndApplicationExceptionsAreRecordedOnce() {
    IllegalStateException thrown = new IllegalStateException("boom");
    RpcSpan server = tracing.startServerSpan(PLACE_ORDER, name -> null);
    server.recordException(thrown);
    server.end(2, "Application error processing RPC", thrown);

    RuntimeException cause = new RuntimeException("connection reset");
    RpcSpan client = tracing.startClientSpan(null, RESERVE, null);
    client.end(14, "io exception", cause);

    List<SpanData> spans = flushed(tracing);
    SpanData serverSpan = named(spans, PLACE_ORDER);
    assertEquals(1, serverSpan.getEvents().size());
    assertException(serverSpan.getEvents().get(0), "java.lang.IllegalStateException", "boom");
    assertEquals(
        StatusData.create(StatusCode.ERROR, "Application error processing RPC"),
        serverSpan.getStatus());
    SpanData clientSpan = named(spans, RESERVE);
    assertEquals(1, clientSpan.getEvents().size());
    assertException(
        clientSpan.getEvents().get(0), "java.lang.RuntimeException", "connection reset");
    assertEquals(StatusData.create(StatusCode.ERROR, "io exception"), clientSpan.getStatus());
  }

  private static void assertException(EventData event, String type, String message) {
    assertEquals("exception", event.getName());
    assertEquals(type, event.getAttributes().get(AttributeKey.stringKey("exception.type")));
    assertEquals(message, event.getAttributes().get(AttributeKey.stringKey("exception.message")));
  }

  @Test
  void endIsIdempotentAndTheFirstEndWins() {
    RpcSpan span = tracing.startClientSpan(null, RESERVE, null);
    span.end(0, null, null);
    span.end(14, "late", new RuntimeException("late"));
    span.messageSent();
    span.recordException(new RuntimeException("later"));

    List<SpanData> spans = flushed(tracing);
    assertEquals(1, spans.size());
    assertEquals(StatusData.unset(), spans.get(0).getStatus());
    assertEquals(0L, spans.get(0).getAttributes().get(RpcAttributes.RPC_GRPC_STATUS_CODE));
    assertEquals(0L, spans.get(0).getAttributes().get(RpcAttributes.RPC_GRPC_MESSAGES_SENT));
    assertEquals(Collections.emptyList(), spans.get(0).getEvents());
  }

  @Test
  void updateMethodRenamesTheServerSpan() {
    RpcSpan span = tracing.startServerSpan("made.Up/Name", name -> null);
    span.updateMethod(PLACE_ORDER);
    span.end(0, null, null);
    RpcSpan unresolved = tracing.startServerSpan("made.Up/Other", name -> null);
    unresolved.updateMethod("other/other");
    unresolved.end(12, "unknown method", null);

    List<SpanData> spans = flushed(tracing);
    assertEquals(2, spans.size());
    SpanData data = named(spans, PLACE_ORDER);
    assertEquals("shop.Orders", data.getAttributes().get(RpcAttributes.RPC_SERVICE));
    assertEquals("PlaceOrder", data.getAttributes().get(RpcAttributes.RPC_METHOD));
    SpanData other = named(spans, "other/other");
    assertEquals("other", other.getAttributes().get(RpcAttributes.RPC_SERVICE));
    assertEquals("other", other.getAttributes().get(RpcAttributes.RPC_METHOD));
  }

  @Test
  void updateMethodToTheNameItStartedWithKeepsNameAndAttributes() {
    RpcSpan span = tracing.startServerSpan(PLACE_ORDER, name -> null);
    span.updateMethod(PLACE_ORDER);
    span.end(0, null, null);

    List<SpanData> spans = flushed(tracing);
    assertEquals(1, spans.size());
    SpanData data = spans.get(0);
    assertEquals(PLACE_ORDER, data.getName());
    assertEquals("grpc", data.getAttributes().get(RpcAttributes.RPC_SYSTEM));
    assertEquals("shop.Orders", data.getAttributes().get(RpcAttributes.RPC_SERVICE));
    assertEquals("PlaceOrder", data.getAttributes().get(RpcAttributes.RPC_METHOD));
  }

  @Test
  void excludedMethodsAreNotTraced() {
    assertFalse(tracing.traces("grpc.health.v1.Health/Check"));
    assertFalse(tracing.traces("grpc.health.v1.Health/Watch"));
    assertTrue(tracing.traces(PLACE_ORDER));

    OtelTracing custom =
        start(
            new TracingSettings()
                .excludedMethods(Arrays.asList("shop.Orders/Ping", " shop.Admin/* ")),
            Collections.<String, String>emptyMap(),
            exported,
            new PrometheusRegistry());
    assertFalse(custom.traces("shop.Orders/Ping"));
    assertTrue(custom.traces("shop.Orders/PingPong"));
    assertTrue(custom.traces(PLACE_ORDER));
    assertFalse(custom.traces("shop.Admin/Reset"));
    assertTrue(custom.traces("shop.AdminX/Reset"));
    assertTrue(custom.traces("shop.Admin"));
    assertTrue(custom.traces("grpc.health.v1.Health/Check"));
    assertTrue(custom.traces(null));
  }

  @Test
  void invalidExclusionsAreReported() {
    List<String> invalid =
        Arrays.asList(
            "shop.Orders", "shop.*/Get", "/Get", "shop.Orders/", "a/b/c", "shop.Orders/Get*", "");
    for (String bad : invalid) {
      OtelTracing.StartResult result =
          OtelTracing.start(
              new TracingSettings().excludedMethods(Collections.singletonList(bad)),
              new PrometheusRegistry(),
              baseProperties(),
              InMemorySpanExporter.create());
      assertFalse(result.tracing().isPresent(), bad);
      assertTrue(result.problem().get().startsWith("excluded methods: "), result.problem().get());
      assertSame(RpcTracing.NOOP, result.rpcTracing());
    }
    assertEquals(
        "excluded methods: method pattern 'shop.Orders' is neither pkg.Service/Method nor"
            + " pkg.Service/*",
        OtelTracing.start(
                new TracingSettings().excludedMethods(Collections.singletonList("shop.Orders")),
                null,
                baseProperties(),
                null)
            .problem()
            .get());
    assertNull(TracingSettings.checkExcludedMethod("shop.Orders/*"));
    assertNull(TracingSettings.checkExcludedMethod("shop.Orders/Get"));
  }

  @Test
  void neverBecomesTheGlobalOpenTelemetry() {
    // The application may have its own; started tracings (one per test here) leave it alone.
    assertFalse(GlobalOpenTelemetry.isSet());
    assertSame(
        io.opentelemetry.api.OpenTelemetry.noop().getPropagators(),
        GlobalOpenTelemetry.getOrNoop().getPropagators());
  }

  @Test
  void namesTheSdksLoggerRoot() {
    assertEquals("io.opentelemetry", OtelTracing.sdkLoggerName());
  }

  @Test
  void disabledTracingStartsNothing() {
    OtelTracing.StartResult result =
        OtelTracing.start(new TracingSettings().enabled(false), registry);
    assertEquals(Optional.empty(), result.tracing());
    assertEquals(Optional.empty(), result.problem());
    assertSame(RpcTracing.NOOP, result.rpcTracing());
  }

  @Test
  void unsampledSpansHaveNoIdsAndAreNotExported() {
    Map<String, String> off = new HashMap<>();
    off.put("otel.traces.sampler", "always_off");
    OtelTracing unsampled = start(new TracingSettings(), off, exported, new PrometheusRegistry());

    RpcSpan server = unsampled.startServerSpan(PLACE_ORDER, name -> null);
    RpcSpan client = unsampled.startClientSpan(server, RESERVE, "inventory:50051");
    Map<String, String> outgoing = new HashMap<>();
    client.inject(outgoing::put);
    client.messageSent();
    client.end(0, null, null);
    server.end(0, null, null);

    assertNull(server.sampledTraceId());
    assertNull(server.sampledSpanId());
    assertNull(client.sampledTraceId());
    assertNull(client.sampledSpanId());
    // The trace still propagates, marked as not sampled.
    String flags = outgoing.get("traceparent").substring(53);
    assertEquals(0, Integer.parseInt(flags, 16) & 1, outgoing.toString());
    assertEquals(Collections.emptyList(), flushed(unsampled));
    assertEquals(0, unsampled.accounting().pending());
    assertEquals(0, unsampled.accounting().exportedCount());
    assertEquals(0, unsampled.accounting().droppedQueueFullCount());
  }

  @Test
  void unsampledIncomingTraceIsNotSampledHere() {
    Map<String, String> incoming = new HashMap<>();
    incoming.put("traceparent", "00-" + TRACE_ID + "-" + REMOTE_SPAN_ID + "-00");
    RpcSpan server = tracing.startServerSpan(PLACE_ORDER, incoming::get);
    server.end(0, null, null);
    assertNull(server.sampledTraceId());
    assertEquals(Collections.emptyList(), flushed(tracing));
  }

  @Test
  void messageEventsAreCappedAndNumberedPerDirection() {
    OtelTracing capped =
        start(
            new TracingSettings().maxMessageEvents(3),
            Collections.<String, String>emptyMap(),
            exported,
            new PrometheusRegistry());
    RpcSpan span = capped.startServerSpan(PLACE_ORDER, name -> null);
    span.messageReceived();
    span.messageSent();
    span.messageReceived();
    span.messageSent();
    span.messageReceived();
    span.end(0, null, null);

    SpanData data = named(flushed(capped), PLACE_ORDER);
    List<String> events = new ArrayList<>();
    for (EventData event : data.getEvents()) {
      assertEquals("rpc.message", event.getName());
      assertEquals(2, event.getAttributes().size());
      events.add(
          event.getAttributes().get(RpcAttributes.MESSAGE_TYPE)
              + " "
              + event.getAttributes().get(RpcAttributes.MESSAGE_ID));
    }
    assertEquals(Arrays.asList("RECEIVED 1", "SENT 1", "RECEIVED 2"), events);
    assertEquals(2L, data.getAttributes().get(RpcAttributes.RPC_GRPC_MESSAGES_SENT));
    assertEquals(3L, data.getAttributes().get(RpcAttributes.RPC_GRPC_MESSAGES_RECEIVED));
  }

  @Test
  void noMessageEventsByDefault() {
    RpcSpan span = tracing.startServerSpan(PLACE_ORDER, name -> null);
    span.messageReceived();
    span.messageSent();
    span.end(0, null, null);
    assertEquals(Collections.emptyList(), named(flushed(tracing), PLACE_ORDER).getEvents());
  }

  @Test
  void b3MultiHeadersCanBeSelected() {
    Map<String, String> b3 = new HashMap<>();
    b3.put("otel.propagators", "b3multi");
    OtelTracing b3Tracing = start(new TracingSettings(), b3, exported, new PrometheusRegistry());

    Map<String, String> incoming = new HashMap<>();
    incoming.put("x-b3-traceid", TRACE_ID);
    incoming.put("x-b3-spanid", REMOTE_SPAN_ID);
    incoming.put("x-b3-sampled", "1");
    RpcSpan server = b3Tracing.startServerSpan(PLACE_ORDER, incoming::get);
    RpcSpan client = b3Tracing.startClientSpan(server, RESERVE, null);
    Map<String, String> outgoing = new HashMap<>();
    client.inject(outgoing::put);
    client.end(0, null, null);
    server.end(0, null, null);

    List<SpanData> spans = flushed(b3Tracing);
    SpanData serverSpan = named(spans, PLACE_ORDER);
    assertEquals(TRACE_ID, serverSpan.getTraceId());
    assertEquals(REMOTE_SPAN_ID, serverSpan.getParentSpanId());
    Map<String, String> expected = new HashMap<>();
    expected.put("x-b3-traceid", TRACE_ID);
    expected.put("x-b3-spanid", named(spans, RESERVE).getSpanId());
    expected.put("x-b3-sampled", "1");
    assertEquals(expected, outgoing);
  }

  @Test
  void jaegerAndB3SingleHeadersCanBeSelected() {
    Map<String, String> props = new HashMap<>();
    props.put("otel.propagators", "jaeger,b3");
    OtelTracing both = start(new TracingSettings(), props, exported, new PrometheusRegistry());
    RpcSpan client = both.startClientSpan(null, RESERVE, null);
    Map<String, String> outgoing = new HashMap<>();
    client.inject(outgoing::put);
    client.end(0, null, null);
    String traceId = client.sampledTraceId();
    String spanId = client.sampledSpanId();
    Map<String, String> expected = new HashMap<>();
    expected.put("uber-trace-id", traceId + ":" + spanId + ":0:1");
    expected.put("b3", traceId + "-" + spanId + "-1");
    assertEquals(expected, outgoing);
  }

  @Test
  void serviceNameDefaultsToTheSettingsUnlessOpenTelemetrySaysOtherwise() {
    RpcSpan span =
        start(
                new TracingSettings().serviceName("orders"),
                Collections.<String, String>emptyMap(),
                exported,
                new PrometheusRegistry())
            .startClientSpan(null, "a.B/First", null);
    span.end(0, null, null);
    Map<String, String> own = new HashMap<>();
    own.put("otel.service.name", "orders-otel");
    OtelTracing overridden =
        start(new TracingSettings().serviceName("orders"), own, exported, new PrometheusRegistry());
    overridden.startClientSpan(null, "a.B/Second", null).end(0, null, null);
    Map<String, String> resource = new HashMap<>();
    resource.put("otel.resource.attributes", "service.name=from-resource,team=shop");
    OtelTracing fromResource =
        start(
            new TracingSettings().serviceName("orders"),
            resource,
            exported,
            new PrometheusRegistry());
    fromResource.startClientSpan(null, "a.B/Third", null).end(0, null, null);

    for (OtelTracing t : started) {
      assertTrue(t.flush(30, TimeUnit.SECONDS));
    }
    List<SpanData> spans = exported.getFinishedSpanItems();
    AttributeKey<String> serviceName = AttributeKey.stringKey("service.name");
    assertEquals("orders", named(spans, "a.B/First").getResource().getAttribute(serviceName));
    assertEquals(
        "orders-otel", named(spans, "a.B/Second").getResource().getAttribute(serviceName));
    assertEquals(
        "from-resource", named(spans, "a.B/Third").getResource().getAttribute(serviceName));
    assertEquals(
        "shop",
        named(spans, "a.B/Third").getResource().getAttribute(AttributeKey.stringKey("team")));
  }

  @Test
  void describesWhereTheSpansGo() {
    Map<String, String> props = new HashMap<>();
    props.put("otel.exporter.otlp.protocol", "http/protobuf");
    props.put("otel.exporter.otlp.endpoint", "http://jaeger:4318");
    props.put("otel.traces.sampler", "parentbased_traceidratio");
    props.put("otel.traces.sampler.arg", "0.25");
    assertEquals(
        "traces exporter otlp (http/protobuf to http://jaeger:4318/v1/traces),"
            + " sampler parentbased_traceidratio 0.25, propagators tracecontext,baggage",
        start(new TracingSettings(), props, exported, new PrometheusRegistry()).describe());
    assertEquals(
        "traces exporter otlp (grpc to http://localhost:4317), sampler parentbased_always_on,"
            + " propagators tracecontext,baggage",
        tracing.describe());
  }

  @Test
  void aBrokenConfigurationIsReportedNotThrown() {
    Map<String, String> props = baseProperties();
    props.put("otel.traces.sampler", "sometimes");
    OtelTracing.StartResult result =
        OtelTracing.start(new TracingSettings(), new PrometheusRegistry(), props, exported);
    assertEquals(Optional.empty(), result.tracing());
    assertEquals(
        "OpenTelemetry set-up failed: Unrecognized value for otel.traces.sampler: sometimes",
        result.problem().get());

    props = baseProperties();
    props.put("otel.traces.exporter", "zipkin");
    result = OtelTracing.start(new TracingSettings(), new PrometheusRegistry(), props, exported);
    assertTrue(result.problem().get().startsWith("OpenTelemetry set-up failed: "));
    assertTrue(result.problem().get().contains("zipkin"), result.problem().get());
  }

  @Test
  void aSecondTracingOnTheSameRegistryIsRefused() {
    OtelTracing.StartResult second =
        OtelTracing.start(
            new TracingSettings(), registry, baseProperties(), InMemorySpanExporter.create());
    assertEquals(Optional.empty(), second.tracing());
    assertTrue(
        second.problem().get().startsWith("span counters not registered: "),
        second.problem().get());
    // The first one still works and still has its counters.
    tracing.startClientSpan(null, RESERVE, null).end(0, null, null);
    assertEquals(1, flushed(tracing).size());
    assertEquals(1, tracing.accounting().exportedCount());
  }

  @Test
  void shutdownExportsWhatIsLeftAndStopsTracing() {
    tracing.startClientSpan(null, RESERVE, null).end(0, null, null);
    assertTrue(tracing.shutdown());
    // (The in-memory exporter forgets its spans when shut down; the counter does not.)
    assertEquals(1, tracing.accounting().exportedCount());
    assertFalse(tracing.traces(PLACE_ORDER));
    assertTrue(tracing.shutdown());
    RpcSpan late = tracing.startClientSpan(null, RESERVE, null);
    late.end(0, null, null);
    assertNull(late.sampledTraceId());
    assertEquals(1, tracing.accounting().exportedCount());
    assertEquals(0, tracing.accounting().droppedQueueFullCount());
  }
}
