package dev.grpcobs.it.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcobs.it.app.ScenarioApp;
import dev.grpcobs.it.app.Utf16Hex;
import dev.grpcobs.it.harness.ForkedApp;
import dev.grpcobs.it.harness.Poll;
import dev.grpcobs.it.harness.Scrape;
import dev.grpcobs.it.tracing.OtlpReceiver;
import dev.grpcobs.it.tracing.ReceivedSpan;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request log as the agent writes it from forked applications: one JSON line per finished
 * call and side, with the ids of the spans a real OTLP receiver got; hostile text that still
 * yields one valid line; a sink that stops reading costs lines, never calls; the trace context
 * in the application's own MDC; a log path that cannot be written; and the application's own
 * logback left alone.
 *
 * <p>A gRPC-version module that runs it puts {@code opentelemetry-proto} on its test class path
 * and the application's SLF4J and logback on the application's class path (or names a folder
 * holding their jars in {@code app.logging.dir}).
 */
public abstract class LogsSuite {

  private static final String ECHO = "test.Echo";
  private static final long LINES_TIMEOUT_SECONDS = 20;
  private static final String AGENT_PREFIX = "[grpc-observability-agent] ";
  private static final Pattern TIMESTAMP =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern SPAN_ID = Pattern.compile("[0-9a-f]{16}");
  private static final Pattern LOOPBACK_PEER = Pattern.compile("127\\.0\\.0\\.1:(\\d+)");
  /** A line the application writes through its own logback, with the MDC keys the agent sets. */
  private static final Pattern APP_LINE =
      Pattern.compile(
          "APPLOG INFO scenario trace_id=\\[([0-9a-f]*)\\] span_id=\\[([0-9a-f]*)\\]"
              + " trace_flags=\\[([0-9a-f]*)\\] (.*)");
  /** Status codes that blame the server and are logged at ERROR; other failures are WARN. */
  private static final Set<String> SERVER_ERRORS =
      new HashSet<>(
          Arrays.asList(
              "UNKNOWN", "DEADLINE_EXCEEDED", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE",
              "DATA_LOSS"));

  /** One call of each shape and outcome, with what each side must report of it. */
  private static final List<WorkloadCall> WORKLOAD =
      Arrays.asList(
          new WorkloadCall("call grpc grpc Unary 0 ok", "result OK 1",
              "Unary", "unary", "OK", 1, 1, null),
          new WorkloadCall("call grpc grpc Unary 0 fail:NOT_FOUND", "result NOT_FOUND 0",
              "Unary", "unary", "NOT_FOUND", 1, 0, "requested by the test"),
          new WorkloadCall("call grpc grpc ServerStream 0 3", "result OK 3",
              "ServerStream", "server_stream", "OK", 1, 3, null),
          new WorkloadCall("call grpc grpc ClientStream 0 a,b,c,d", "result OK 1",
              "ClientStream", "client_stream", "OK", 4, 1, null),
          new WorkloadCall("call grpc grpc Bidi 0 a,b", "result OK 2",
              "Bidi", "bidi_stream", "OK", 2, 2, null),
          // The app cancels after 1 s a server stream that never replies.
          new WorkloadCall("cancel grpc grpc 1000", "result CANCELLED 0",
              "ServerStream", "server_stream", "CANCELLED", 1, 0, "cancelled by the test")
              .serverDescriptionVaries()
              .lastingAtLeastMillis(1000),
          // The handler would answer after 4 s; the deadline is 1 s. The server ends the call on
          // its own deadline timer or on the client's cancellation, whichever comes first.
          new WorkloadCall("call grpc grpc Unary 1000 sleep:4000", "result DEADLINE_EXCEEDED 0",
              "Unary", "unary", "DEADLINE_EXCEEDED", 1, 0, null)
              .serverMayEndWith("CANCELLED")
              .lastingAtLeastMillis(900)
              .serverDescriptionVaries());

  private static OtlpReceiver receiver;

  @TempDir Path dir;

  @BeforeAll
  static void startReceiver() throws IOException {
    receiver = OtlpReceiver.start();
  }

  @AfterAll
  static void stopReceiver() throws InterruptedException {
    if (receiver != null) {
      receiver.close();
    }
  }

  // ---- 1. a known workload ------------------------------------------------------------------

  @Test
  void everyCallIsLoggedOnceOnEachSideWithTheFieldsAndIdsOfItsSpans() throws Exception {
    Path file = dir.resolve("requests.log");
    String service = "it-logs-workload";
    Instant started = Instant.now();
    try (ForkedApp app =
        startApp("service.name=" + service + ",logs.file=" + file, tracingEnvironment())) {
      int port = serverPort(app);
      // First, so that its line (if it had one) would be written before the workload's.
      assertEquals(ServingStatus.SERVING, checkHealth(port));
      for (WorkloadCall call : WORKLOAD) {
        assertEquals(call.result, app.send(call.command), call.command);
      }
      int expected = 2 * WORKLOAD.size();
      awaitLines(file, expected);
      Scrape metrics = awaitWritten(app, expected);
      assertEquals(expected, written(metrics), "lines written");
      assertEquals(0, metrics.sum("grpcobs_logs_dropped_total"), "lines dropped");
      List<RequestLogLine> lines = RequestLogFile.parse(RequestLogFile.completeLines(file));
      assertEquals(expected, lines.size(), "one line per call and side, health checks not logged:\n" + text(lines));

      List<RequestLogLine> clientLines = filter(lines, true);
      List<RequestLogLine> serverLines = filter(lines, false);
      assertEquals(WORKLOAD.size(), clientLines.size(), text(lines));
      assertEquals(WORKLOAD.size(), serverLines.size(), text(lines));
      Instant ended = Instant.now();
      Map<RequestLogLine, RequestLogLine> serverOfClient = new LinkedHashMap<>();
      for (WorkloadCall call : WORKLOAD) {
        List<RequestLogLine> client =
            clientLines.stream()
                .filter(l -> l.fullMethod().equals(ECHO + "/" + call.method) && call.clientCode.equals(l.code()))
                .collect(Collectors.toList());
        assertEquals(1, client.size(), "one client line of `" + call.command + "`:\n" + text(lines));
        String traceId = client.get(0).traceId();
        assertNotNull(traceId, "a traced call's line has its trace id: " + client.get(0));
        List<RequestLogLine> server =
            serverLines.stream().filter(l -> traceId.equals(l.traceId())).collect(Collectors.toList());
        assertEquals(1, server.size(), "one server line in the trace of " + client.get(0) + ":\n" + text(lines));

        assertLine(client.get(0), call, service, port, started, ended);
        assertLine(server.get(0), call, service, port, started, ended);
        serverOfClient.put(client.get(0), server.get(0));
      }

      List<ReceivedSpan> spans =
          receiver.awaitSpans(all -> lines(serverOfClient).stream().allMatch(l -> spanOf(all, l) != null),
              LINES_TIMEOUT_SECONDS);
      for (Map.Entry<RequestLogLine, RequestLogLine> call : serverOfClient.entrySet()) {
        ReceivedSpan clientSpan = spanOf(spans, call.getKey());
        ReceivedSpan serverSpan = spanOf(spans, call.getValue());
        assertSpanMatches(clientSpan, call.getKey(), "CLIENT", service);
        assertSpanMatches(serverSpan, call.getValue(), "SERVER", service);
        assertTrue(serverSpan.isChildOf(clientSpan), "the server span continues the client's: " + serverSpan);
      }
    }
  }

  private static void assertLine(
      RequestLogLine line, WorkloadCall call, String service, int serverPort, Instant started,
      Instant ended) {
    boolean server = line.isServer();
    String code = line.code();
    assertTrue(server ? call.serverCodes.contains(code) : call.clientCode.equals(code), line.raw());

    String timestamp = line.string("timestamp");
    assertTrue(timestamp != null && TIMESTAMP.matcher(timestamp).matches(), "ISO-8601 UTC with ms: " + line);
    Instant at = Instant.parse(timestamp);
    // The line's time is the call's end, taken on this machine's clock: within the test's run
    // (ms precision, so the start is rounded down).
    assertFalse(at.isBefore(started.minusMillis(1)) || at.isAfter(ended), "time " + at + " within the test: " + line);
    assertEquals(levelOf(code), line.string("level"), line.raw());
    assertEquals(service, line.string("service.name"), line.raw());
    assertEquals(ECHO, line.string("grpc.service"), line.raw());
    assertEquals(call.method, line.string("grpc.method"), line.raw());
    assertEquals(call.type, line.string("grpc.type"), line.raw());
    assertEquals(Status.Code.valueOf(code).value(), line.integer("grpc.status_code"), line.raw());
    double durationMs = line.number("duration_ms");
    assertTrue(durationMs > 0, line.raw());
    if (!server) {
      assertTrue(durationMs >= call.minimumMillis, "the client saw the call last that long: " + line);
    }
    assertEquals("127.0.0.1:" + serverPort, line.string("authority"), line.raw());
    assertTrue(TRACE_ID.matcher(line.traceId()).matches(), line.raw());
    assertTrue(SPAN_ID.matcher(line.spanId()).matches(), line.raw());
    assertEquals(Boolean.TRUE, line.get("trace_sampled"), line.raw());
    assertEquals(
        (server ? "served " : "called ") + ECHO + "/" + call.method + " " + code + " in ",
        line.string("message").substring(0, line.string("message").indexOf(" in ") + 4),
        line.raw());
    assertFalse(line.has("grpc.metadata"), "no headers are logged unless listed: " + line);
    if (code.equals("OK")) {
      assertFalse(line.has("grpc.description"), line.raw());
    } else {
      String description = line.description();
      assertTrue(description != null && !description.isEmpty(), "a failed call's description: " + line);
      String expected = server ? call.serverDescription : call.clientDescription;
      if (expected != null) {
        assertEquals(expected, description, line.raw());
      }
    }

    String peer = line.string("peer.address");
    if (server) {
      assertNotNull(peer, line.raw());
      Matcher m = LOOPBACK_PEER.matcher(peer);
      assertTrue(m.matches(), "the client's address: " + line);
      assertNotEquals(serverPort, Integer.parseInt(m.group(1)), "the client's own port: " + line);
      String userAgent = line.string("user_agent");
      assertTrue(userAgent != null && userAgent.matches("grpc-java-[a-z]+/" + Pattern.quote(grpcVersion()) + "( .*)?"),
          "the caller's gRPC user agent: " + line);
      assertEquals(call.clientSent, line.integer("messages_received"), line.raw());
      assertEquals(call.clientReceived, line.integer("messages_sent"), line.raw());
    } else {
      // gRPC only tells a client call its peer once the server has answered.
      if (code.equals("OK") || peer != null) {
        assertEquals("127.0.0.1:" + serverPort, peer, line.raw());
      }
      assertFalse(line.has("user_agent"), "the user agent is the caller's, logged by the server: " + line);
      assertEquals(call.clientSent, line.integer("messages_sent"), line.raw());
      assertEquals(call.clientReceived, line.integer("messages_received"), line.raw());
    }
  }

  private static void assertSpanMatches(
      ReceivedSpan span, RequestLogLine line, String kind, String service) {
    assertEquals(kind, span.kind(), "the span of " + line + " is " + span);
    assertEquals(line.fullMethod(), span.name(), span.toString());
    assertEquals(service, span.serviceName(), span.toString());
    assertEquals(Long.valueOf(line.integer("grpc.status_code")), span.longAttribute("rpc.grpc.status_code"),
        "the span of " + line + " is " + span);
  }

  private static ReceivedSpan spanOf(List<ReceivedSpan> spans, RequestLogLine line) {
    for (ReceivedSpan span : spans) {
      if (span.traceId().equals(line.traceId()) && span.spanId().equals(line.spanId())) {
        return span;
      }
    }
    return null;
  }

  private static List<RequestLogLine> lines(Map<RequestLogLine, RequestLogLine> pairs) {
    List<RequestLogLine> all = new ArrayList<>(pairs.keySet());
    all.addAll(pairs.values());
    return all;
  }

  private static ServingStatus checkHealth(int port) throws InterruptedException {
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      return HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder().setService("").build())
          .getStatus();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  // ---- 2. hostile text ----------------------------------------------------------------------

  private static final int MAX_VALUE_LENGTH = 200;
  private static final String SECRET = "s3cr3t";
  private static final List<String> HOSTILE_DESCRIPTIONS =
      Arrays.asList(
          "first line\nsecond line\r\nthird line\rfourth",
          "she said \"hi\", left a \\ back\\slash, \\\" \\n \\u0041 and a / slash",
          "controls \u0000 \u0001 \u0007 \b \t \f \u000b \u001b[31mred\u001b[0m \u001f \u007f \u0085 end",
          "naïve café – 日本語 – 😀 – Ωmega – \u2028 \u2029 – \uFEFF – end",
          "\", \"grpc.code\":\"OK\", \"forged\":\"yes",
          "}\n{\"event\":\"grpc.server.call\",\"forged\":true}",
          "lone \uD800 high, lone \uDC00 low, reversed \uDC00\uD800 end",
          repeat("0123456789", 100),
          repeat("x", MAX_VALUE_LENGTH - 1) + "😀" + repeat("y", 100));
  /** Every printable ASCII character, the only ones a text header may carry, and some JSON. */
  private static final String HOSTILE_REQUEST_ID = hostileAscii();
  private static final String LONG_TENANT = repeat("tenant-\"\\-", 30);

  private static String hostileAscii() {
    StringBuilder value = new StringBuilder("req");
    for (char c = 0x20; c <= 0x7e; c++) {
      value.append(c);
    }
    return value.append(" {\"forged\":true} \\n \\\" end").toString();
  }

  @Test
  void hostileDescriptionsAndHeaderValuesYieldOneValidLinePerCallAndSecretsNeverAppear()
      throws Exception {
    Path file = dir.resolve("requests.log");
    try (ForkedApp app =
        startApp(
            "service.name=it-logs-hostile,logs.file=" + file + ",logs.value.max.length=" + MAX_VALUE_LENGTH,
            Collections.<String, String>emptyMap(),
            "-Dgrpcobs.logs.metadata=x-request-id,authorization,Cookie,x-secret-bin,x-tenant")) {
      List<String> stderr = app.stderr();
      assertRefused(stderr, "authorization");
      assertRefused(stderr, "cookie");
      assertRefused(stderr, "x-secret-bin");

      String headers =
          "x-request-id=" + Utf16Hex.encode(HOSTILE_REQUEST_ID)
              + ";authorization=" + Utf16Hex.encode("Bearer " + SECRET + "-authorization")
              + ";cookie=" + Utf16Hex.encode("session=" + SECRET + "-cookie")
              + ";x-secret-bin=" + Utf16Hex.encode(SECRET + "-binary")
              + ";x-tenant=" + Utf16Hex.encode(LONG_TENANT);
      assertEquals("result HEADERS 5", app.send("headers " + headers));
      for (String description : HOSTILE_DESCRIPTIONS) {
        assertEquals("result INVALID_ARGUMENT 0",
            app.send("call grpc grpc Unary 0 describe:INVALID_ARGUMENT:" + Utf16Hex.encode(description)));
      }

      int expected = 2 * HOSTILE_DESCRIPTIONS.size();
      awaitLines(file, expected);
      Scrape metrics = awaitWritten(app, expected);
      assertEquals(expected, written(metrics));
      byte[] raw = Files.readAllBytes(file);
      List<RequestLogLine> lines = RequestLogFile.parse(RequestLogFile.completeLines(file));
      assertEquals(expected, lines.size(), "exactly one line per call and side:\n" + text(lines));
      assertEquals('\n', raw[raw.length - 1], "the file ends with a whole line");
      assertFalse(new String(raw, StandardCharsets.UTF_8).contains(SECRET),
          "credentials, cookies and binary headers never reach the log");

      Map<String, Object> expectedHeaders = new LinkedHashMap<>();
      expectedHeaders.put("x-request-id", HOSTILE_REQUEST_ID);
      expectedHeaders.put("x-tenant", LONG_TENANT.substring(0, MAX_VALUE_LENGTH) + "...");
      for (RequestLogLine line : lines) {
        assertEquals("INVALID_ARGUMENT", line.code(), line.raw());
        assertEquals(expectedHeaders, line.metadata(), "allow-listed headers only, intact or cut: " + line);
      }
      for (String description : HOSTILE_DESCRIPTIONS) {
        String logged = bounded(description, MAX_VALUE_LENGTH, '\uFFFD');
        // gRPC itself sends a lone surrogate as '?' (its UTF-8 encoder's replacement).
        String receivedByClient = bounded(description, MAX_VALUE_LENGTH, '?');
        String shown = Utf16Hex.encode(description);
        assertEquals(1, count(lines, l -> l.isServer() && logged.equals(l.description())),
            "one server line with description (UTF-16 hex) " + shown + ":\n" + text(lines));
        assertEquals(1,
            count(lines, l -> l.isClient()
                && (logged.equals(l.description()) || receivedByClient.equals(l.description()))),
            "one client line with description (UTF-16 hex) " + shown + ":\n" + text(lines));
      }
      assertEquals("result OK 1", app.send("call grpc grpc Unary 0 ok"), "the application is unharmed");
    }
  }

  private static void assertRefused(List<String> stderr, String header) {
    List<String> refusals =
        stderr.stream()
            .filter(l -> l.startsWith(AGENT_PREFIX + "WARNING") && l.contains("logs.metadata")
                && l.contains("'" + header + "'"))
            .collect(Collectors.toList());
    assertEquals(1, refusals.size(), "one start-up line names the refused header " + header + ": " + stderr);
  }

  /**
   * What a value may look like once logged: at most {@code max} UTF-16 units (a surrogate pair is
   * not cut in half) plus "..." when cut, lone surrogates replaced.
   */
  private static String bounded(String text, int max, char replacement) {
    String cut = text;
    if (text.length() > max) {
      int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
      cut = text.substring(0, end) + "...";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < cut.length() && Character.isLowSurrogate(cut.charAt(i + 1))) {
        out.append(c).append(cut.charAt(++i));
      } else {
        out.append(Character.isSurrogate(c) ? replacement : c);
      }
    }
    return out.toString();
  }

  // ---- 3. a sink that does not read ---------------------------------------------------------

  @Test
  void aSinkThatStopsReadingCostsCountedLinesNeverCalls() throws Exception {
    Path fifo = dir.resolve("requests.pipe");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0,
        "mkfifo (coreutils) could not make the named pipe this test needs");
    // The reader opens the pipe (opening blocks until the agent opens it too), then reads nothing
    // until told: the pipe's buffer fills and the agent's writer blocks in write().
    AtomicReference<InputStream> pipe = new AtomicReference<>();
    CountDownLatch opened = new CountDownLatch(1);
    Thread opener =
        new Thread(
            () -> {
              try {
                pipe.set(new FileInputStream(fifo.toFile()));
                opened.countDown();
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            },
            "request-log-pipe-opener");
    opener.setDaemon(true);
    opener.start();
    int calls = 400;
    int lines = 2 * calls;
    try (ForkedApp app =
        startApp("service.name=it-logs-slow-sink,logs.file=" + fifo + ",logs.queue.size=16",
            Collections.<String, String>emptyMap())) {
      assertTrue(opened.await(20, TimeUnit.SECONDS), "the agent opened the pipe; stderr: " + app.stderr());
      // A hang guard, not a timing assertion: a writer that held up calls would stop them here.
      assertTimeoutPreemptively(
          Duration.ofSeconds(120),
          () -> {
            for (int i = 0; i < calls; i++) {
              assertEquals("result OK 1", app.send("call grpc grpc Unary 0 ok"), "call " + i);
            }
          },
          "calls completed while the request log's output was blocked");
      int metricsPort = app.agentPort();
      Scrape blocked = Scrape.of(metricsPort);
      assertTrue(blocked.sum("grpcobs_logs_dropped_total", "reason", "queue_full") > 0,
          "lines that did not fit were dropped and counted:\n" + logMetrics(blocked));
      // A pipe holds some 64 KiB: most lines cannot have been written while nobody reads.
      assertTrue(written(blocked) < lines / 2, "the writer was held up by the pipe:\n" + logMetrics(blocked));

      RequestLogFile.Collector reader = RequestLogFile.Collector.start(pipe.get(), "request-log-pipe-reader");
      Scrape settled =
          Poll.until(() -> Scrape.of(metricsPort),
              s -> written(s) + s.sum("grpcobs_logs_dropped_total") >= lines
                  && reader.lines().size() >= written(s),
              30);
      double dropped = settled.sum("grpcobs_logs_dropped_total", "reason", "queue_full");
      assertEquals(0, settled.sum("grpcobs_logs_dropped_total", "reason", "write_failed"), logMetrics(settled));
      assertEquals(lines, written(settled) + dropped, "every line written or counted as dropped:\n" + logMetrics(settled));
      List<String> arrived = reader.lines();
      assertEquals((long) written(settled), arrived.size(), "every line written arrived:\n" + logMetrics(settled));
      for (RequestLogLine line : RequestLogFile.parse(arrived)) {
        assertTrue(line.isServer() || line.isClient(), line.raw());
        assertEquals(ECHO + "/Unary", line.fullMethod(), line.raw());
        assertEquals("OK", line.code(), line.raw());
      }
      assertEquals(Collections.<String>emptyList(), agentWarnings(app), "the pipe opened normally");
    } finally {
      InputStream in = pipe.get();
      if (in != null) {
        in.close();
      }
    }
  }

  private static String logMetrics(Scrape metrics) {
    return Arrays.stream(metrics.body().split("\n"))
        .filter(l -> l.startsWith("grpcobs_logs_"))
        .collect(Collectors.joining("\n"));
  }

  // ---- 4. the application's own log lines carry the trace -----------------------------------

  @Test
  void theApplicationsOwnLogLinesInsideAHandlerCarryTheServerSpanOfTheirCall() throws Exception {
    Path file = dir.resolve("requests.log");
    try (ForkedApp app = startApp("service.name=it-logs-mdc,logs.file=" + file, tracingEnvironment())) {
      assertEquals("result LOGGED 0", app.send("log before-any-call"));
      List<String> texts = Arrays.asList("inside-call-1", "inside-call-2", "inside-call-3");
      for (String logged : texts) {
        assertEquals("result OK 1", app.send("call grpc grpc Unary 0 log:" + logged));
      }
      assertEquals("result LOGGED 0", app.send("log after-the-calls"));

      Map<String, String[]> appLines = new LinkedHashMap<>();
      for (String line : app.stdoutSeen()) {
        Matcher m = APP_LINE.matcher(line);
        if (m.matches()) {
          assertNull(appLines.put(m.group(4), new String[] {m.group(1), m.group(2), m.group(3)}),
              "one line per log call: " + app.stdoutSeen());
        }
      }
      for (String outside : Arrays.asList("before-any-call", "after-the-calls")) {
        assertTrue(appLines.containsKey(outside), "the app's line " + outside + ": " + app.stdoutSeen());
        assertEquals(Arrays.asList("", "", ""), Arrays.asList(appLines.get(outside)),
            "no trace context outside a call, on the thread that made the calls: " + outside);
      }

      List<RequestLogLine> lines = awaitLines(file, 2 * texts.size());
      Set<String> traceIds = new HashSet<>();
      for (String logged : texts) {
        String[] ids = appLines.get(logged);
        assertNotNull(ids, "the handler's own line " + logged + ": " + app.stdoutSeen());
        String traceId = ids[0];
        assertTrue(traceIds.add(traceId), "each call has its own trace: " + logged + " " + traceId);
        List<RequestLogLine> server =
            lines.stream().filter(l -> l.isServer() && traceId.equals(l.traceId())).collect(Collectors.toList());
        assertEquals(1, server.size(), "the server line of the call that logged " + logged + " (trace "
            + traceId + "):\n" + text(lines));
        assertEquals(server.get(0).spanId(), ids[1], "the handler's line carries its call's server span id");
        assertEquals("01", ids[2], "a sampled trace: " + server.get(0));
        assertEquals(Boolean.TRUE, server.get(0).get("trace_sampled"), server.get(0).raw());
        RequestLogLine client =
            lines.stream().filter(l -> l.isClient() && traceId.equals(l.traceId())).findFirst()
                .orElseThrow(() -> new AssertionError("the client line of " + logged + ":\n" + text(lines)));
        assertNotEquals(client.spanId(), ids[1], "the server's span, not the client's");
        ReceivedSpan span =
            receiver.awaitSpans(all -> spanOf(all, server.get(0)) != null, LINES_TIMEOUT_SECONDS)
                .stream().filter(s -> s.spanId().equals(ids[1])).findFirst().get();
        assertEquals("SERVER", span.kind(), span.toString());
      }
      for (RequestLogLine line : lines) {
        assertFalse(line.raw().contains("inside-call") || line.raw().contains("before-any-call"),
            "the app's own lines stay out of the request log: " + line);
      }
    }
  }

  // ---- 5. a log file that cannot be written ---------------------------------------------------

  @Test
  void anUnwritableLogFileFallsBackToStandardOutputWithOneStartupLine() throws Exception {
    Path notADirectory = Files.write(dir.resolve("plain-file"), "not a directory".getBytes(StandardCharsets.UTF_8));
    Path file = notADirectory.resolve("requests.log");
    try (ForkedApp app =
        startApp("service.name=it-logs-unwritable,logs.file=" + file, Collections.<String, String>emptyMap())) {
      List<String> mentions =
          app.stderr().stream().filter(l -> l.contains("logs.file")).collect(Collectors.toList());
      assertEquals(1, mentions.size(), "one start-up line about logs.file: " + app.stderr());
      String problem = mentions.get(0);
      assertTrue(problem.startsWith(AGENT_PREFIX + "WARNING") && problem.contains(file.toString())
              && problem.contains("standard output"),
          "names the key, the path and where lines go instead: " + problem);

      assertEquals("result OK 1", app.send("call grpc grpc Unary 0 ok"));
      assertEquals("result OK 3", app.send("call grpc grpc ServerStream 0 3"));
      RequestLogLine unaryServer = awaitStdoutLine(app, RequestLogLine.SERVER_EVENT, "Unary");
      RequestLogLine unaryClient = awaitStdoutLine(app, RequestLogLine.CLIENT_EVENT, "Unary");
      RequestLogLine streamServer = awaitStdoutLine(app, RequestLogLine.SERVER_EVENT, "ServerStream");
      RequestLogLine streamClient = awaitStdoutLine(app, RequestLogLine.CLIENT_EVENT, "ServerStream");
      for (RequestLogLine line : Arrays.asList(unaryServer, unaryClient, streamServer, streamClient)) {
        assertEquals("it-logs-unwritable", line.string("service.name"), line.raw());
        assertEquals("OK", line.code(), line.raw());
      }
      assertEquals(3, streamServer.integer("messages_sent"), streamServer.raw());
      assertEquals(1, app.stderr().stream().filter(l -> l.contains("logs.file")).count(),
          "still one line after calls: " + app.stderr());
    }
  }

  /** Waits for the request log line of {@code event} and {@code method} on standard output. */
  private static RequestLogLine awaitStdoutLine(ForkedApp app, String event, String method) throws Exception {
    String wanted = "\"event\":\"" + event + "\"";
    String wantedMethod = "\"grpc.method\":\"" + method + "\"";
    RequestLogLine found =
        Poll.until(
            () -> {
              for (String line : app.stdoutSeen()) {
                if (line.contains(wanted) && line.contains(wantedMethod)) {
                  return RequestLogLine.parse(line);
                }
              }
              return null;
            },
            line -> line != null,
            LINES_TIMEOUT_SECONDS);
    assertNotNull(found, "a " + event + " line of " + method + " on stdout: " + app.stdoutSeen());
    return found;
  }

  // ---- 6. the application's own logback is left alone ---------------------------------------

  @Test
  void theApplicationsLogbackXmlOnItsClassPathStaysInChargeOfItsOwnLinesOnly() throws Exception {
    Path file = dir.resolve("requests.log");
    try (ForkedApp app =
        startApp("service.name=it-logs-own-logback,logs.file=" + file, Collections.<String, String>emptyMap())) {
      assertEquals("result LOGGED 0", app.send("log isolation-outside"));
      assertEquals("result OK 1", app.send("call grpc grpc Unary 0 log:isolation-inside"));
      List<RequestLogLine> lines = awaitLines(file, 2);
      assertEquals("result LOGGED 0", app.send("log isolation-after"));

      List<String> stdout = app.stdoutSeen();
      // Exactly as the application's logback.xml says (no tracing here, so no ids).
      for (String text : Arrays.asList("isolation-outside", "isolation-inside", "isolation-after")) {
        assertTrue(stdout.contains("APPLOG INFO scenario trace_id=[] span_id=[] trace_flags=[] " + text),
            "the app's own line " + text + " in its own format: " + stdout);
      }
      for (String line : stdout) {
        assertFalse(line.contains("grpc.server.call") || line.contains("grpc.client.call") || line.startsWith("{"),
            "the agent's lines do not go through the app's appenders: " + line);
      }
      assertEquals(2, RequestLogFile.completeLines(file).size(), text(lines));
      for (RequestLogLine line : lines) {
        assertFalse(line.raw().contains("isolation-"), "the app's lines stay out of the request log: " + line);
      }
    }
  }

  @Test
  void aLogbackConfigurationFileOfTheApplicationIsNeitherReadByTheAgentNorFedItsLines() throws Exception {
    Path requests = dir.resolve("requests.log");
    Path appLog = dir.resolve("app.log");
    Path config = dir.resolve("app-logback.xml");
    // Everything to a file, in a format of its own; the agent's logger name switched off, which
    // would silence the request log if the agent read this file.
    String xml =
        "<configuration>\n"
            + "  <appender name=\"FILE\" class=\"ch.qos.logback.core.FileAppender\">\n"
            + "    <file>" + appLog + "</file>\n"
            + "    <encoder><pattern>OWNCONF %level %logger %X{trace_id} %msg%n</pattern></encoder>\n"
            + "  </appender>\n"
            + "  <logger name=\"grpcobs\" level=\"OFF\"/>\n"
            + "  <logger name=\"grpcobs.requests\" level=\"OFF\"/>\n"
            + "  <root level=\"DEBUG\"><appender-ref ref=\"FILE\"/></root>\n"
            + "</configuration>\n";
    Files.write(config, xml.getBytes(StandardCharsets.UTF_8));
    try (ForkedApp app =
        startApp("service.name=it-logs-own-config,logs.file=" + requests, tracingEnvironment(),
            "-Dlogback.configurationFile=" + config)) {
      assertEquals("result LOGGED 0", app.send("log configured-outside"));
      assertEquals("result OK 1", app.send("call grpc grpc Unary 0 log:configured-inside"));
      List<RequestLogLine> lines = awaitLines(requests, 2);
      RequestLogLine server =
          lines.stream().filter(RequestLogLine::isServer).findFirst()
              .orElseThrow(() -> new AssertionError("a server line: " + text(lines)));

      List<String> appLines =
          Poll.until(() -> readLines(appLog), l -> l.stream().anyMatch(x -> x.endsWith(" configured-inside")), 10);
      assertTrue(appLines.contains("OWNCONF INFO scenario  configured-outside"), "the app's own format: " + appLines);
      assertTrue(appLines.contains("OWNCONF INFO scenario " + server.traceId() + " configured-inside"),
          "the app's own format, with the call's trace id from the MDC: " + appLines);
      for (String line : appLines) {
        assertFalse(line.contains("grpc.server.call") || line.contains("grpc.client.call")
                || line.matches("OWNCONF [A-Z]+ grpcobs.*"),
            "the agent's lines do not go through the app's appenders: " + line);
      }
      for (String line : app.stdoutSeen()) {
        assertFalse(line.startsWith("APPLOG") || line.startsWith("{"),
            "the configuration file, not the class path's logback.xml, is the app's: " + line);
      }
      assertEquals(2, lines.size(), "the agent's request log is unaffected by the app's configuration");
      for (RequestLogLine line : lines) {
        assertFalse(line.raw().contains("configured-"), "the app's lines stay out of the request log: " + line);
      }
    }
  }

  private static List<String> readLines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : Collections.<String>emptyList();
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Starts a ScenarioApp with one gRPC server and the agent, and waits until it is ready. */
  private static ForkedApp startApp(String agentArgs, Map<String, String> environment, String... jvmOptions)
      throws Exception {
    ForkedApp app =
        ForkedApp.start(
            ForkedApp.withAgent("http.port=0,http.host=127.0.0.1," + agentArgs, jvmOptions),
            appClasspath(),
            ScenarioApp.class.getName(),
            Collections.singletonList("grpc"),
            environment);
    app.awaitLine("ready"::equals, 60);
    return app;
  }

  /** The module's application class path, plus SLF4J and logback if the module keeps them apart. */
  private static String appClasspath() {
    String classpath = ForkedApp.appClasspath();
    String loggingDir = System.getProperty("app.logging.dir");
    if (loggingDir == null || loggingDir.isEmpty()) {
      return classpath;
    }
    File[] jars = new File(loggingDir).listFiles((d, name) -> name.endsWith(".jar"));
    if (jars == null || jars.length == 0) {
      throw new IllegalStateException("no jars in app.logging.dir " + loggingDir);
    }
    StringBuilder extended = new StringBuilder(classpath);
    for (File jar : jars) {
      extended.append(File.pathSeparator).append(jar.getPath());
    }
    return extended.toString();
  }

  /** Export every span to the suite's receiver every 100 ms. */
  private static Map<String, String> tracingEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
    env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
    env.put("OTEL_BSP_SCHEDULE_DELAY", "100");
    env.put("OTEL_TRACES_SAMPLER", "always_on");
    return env;
  }

  private static int serverPort(ForkedApp app) {
    for (String line : app.stdoutSeen()) {
      if (line.startsWith("server grpc ")) {
        return Integer.parseInt(line.substring("server grpc ".length()));
      }
    }
    throw new AssertionError("no grpc server port in " + app.stdoutSeen());
  }

  private static List<RequestLogLine> awaitLines(Path file, int n) throws Exception {
    return RequestLogFile.awaitLines(file, n, LINES_TIMEOUT_SECONDS);
  }

  private static Scrape awaitWritten(ForkedApp app, int n) throws Exception {
    int port = app.agentPort();
    return Poll.until(() -> Scrape.of(port), s -> written(s) >= n, LINES_TIMEOUT_SECONDS);
  }

  private static double written(Scrape metrics) {
    return metrics.sum("grpcobs_logs_written_total");
  }

  private static List<String> agentWarnings(ForkedApp app) {
    return app.stderr().stream().filter(l -> l.startsWith(AGENT_PREFIX + "WARNING")).collect(Collectors.toList());
  }

  private static List<RequestLogLine> filter(List<RequestLogLine> lines, boolean client) {
    return lines.stream().filter(l -> client ? l.isClient() : l.isServer()).collect(Collectors.toList());
  }

  private static long count(List<RequestLogLine> lines, java.util.function.Predicate<RequestLogLine> test) {
    return lines.stream().filter(test).count();
  }

  private static String text(List<RequestLogLine> lines) {
    return lines.stream().map(RequestLogLine::raw).collect(Collectors.joining("\n"));
  }

  private static String levelOf(String code) {
    if (code.equals("OK")) {
      return "INFO";
    }
    return SERVER_ERRORS.contains(code) ? "ERROR" : "WARN";
  }

  private static String grpcVersion() {
    String version = System.getProperty("grpc.version.expected");
    if (version == null || version.isEmpty()) {
      throw new IllegalStateException("system property grpc.version.expected is not set");
    }
    return version;
  }

  private static String repeat(String s, int times) {
    StringBuilder out = new StringBuilder(s.length() * times);
    for (int i = 0; i < times; i++) {
      out.append(s);
    }
    return out.toString();
  }

  /** A ScenarioApp command and what each side of the call must log of it. */
  private static final class WorkloadCall {
    final String command;
    final String result;
    final String method;
    final String type;
    final String clientCode;
    final Set<String> serverCodes = new HashSet<>();
    /** Messages the client sent and received; the server's counts are the mirror image. */
    final long clientSent;
    final long clientReceived;
    /** Each side's exact description, or null if not fixed (a failed call must still have one). */
    final String clientDescription;
    String serverDescription;
    long minimumMillis;

    WorkloadCall(String command, String result, String method, String type, String code,
        long clientSent, long clientReceived, String description) {
      this.command = command;
      this.result = result;
      this.method = method;
      this.type = type;
      this.clientCode = code;
      this.serverCodes.add(code);
      this.clientSent = clientSent;
      this.clientReceived = clientReceived;
      this.clientDescription = description;
      this.serverDescription = description;
    }

    /** The server's description comes from its transport or its version, not from the app. */
    WorkloadCall serverDescriptionVaries() {
      serverDescription = null;
      return this;
    }

    WorkloadCall serverMayEndWith(String code) {
      serverCodes.add(code);
      return this;
    }

    WorkloadCall lastingAtLeastMillis(long millis) {
      minimumMillis = millis;
      return this;
    }
  }
}
