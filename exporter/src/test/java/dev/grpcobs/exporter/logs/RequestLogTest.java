package dev.grpcobs.exporter.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grpcobs.bridge.CallRecord;
import dev.grpcobs.exporter.MethodExclusions;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The request log end to end inside one JVM: record in, JSON line out, through real logback. */
class RequestLogTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
  private final List<RequestLog> started = new ArrayList<>();

  @AfterEach
  void stop() {
    for (RequestLog log : started) {
      log.shutdown(5000);
    }
  }

  @Test
  void aServerCallBecomesOneLineWithEveryField() throws Exception {
    Lines out = new Lines();
    RequestLog log = start(new LogSettings().serviceName("orders"), out);
    CallRecord call = call(true, "shop.Orders/PlaceOrder", 0);
    call.metadata = new String[] {"x-request-id", "r-42"};
    long before = System.currentTimeMillis();
    log.callFinished(call);

    JsonNode line = out.awaitLines(1).get(0);
    assertTrue(line.get("timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"),
        line.toString());
    long stamped = Instant.parse(line.get("timestamp").asText()).toEpochMilli();
    assertTrue(stamped >= before && stamped <= System.currentTimeMillis(), line.toString());
    assertEquals("INFO", line.get("level").asText());
    assertEquals("grpc.server.call", line.get("event").asText());
    assertEquals("orders", line.get("service.name").asText());
    assertEquals("shop.Orders", line.get("grpc.service").asText());
    assertEquals("PlaceOrder", line.get("grpc.method").asText());
    assertEquals("unary", line.get("grpc.type").asText());
    assertEquals("OK", line.get("grpc.code").asText());
    assertEquals(0, line.get("grpc.status_code").asInt());
    assertTrue(line.get("duration_ms").isDouble(), line.toString());
    assertEquals(12.346, line.get("duration_ms").asDouble(), 1e-9);
    assertEquals("10.0.0.7:51234", line.get("peer.address").asText());
    assertEquals("orders.shop:443", line.get("authority").asText());
    assertEquals("grpc-java-netty/1.85.1", line.get("user_agent").asText());
    assertEquals(1, line.get("messages_received").asLong());
    assertEquals(3, line.get("messages_sent").asLong());
    assertEquals("0af7651916cd43dd8448eb211c80319c", line.get("trace_id").asText());
    assertEquals("b7ad6b7169203331", line.get("span_id").asText());
    assertTrue(line.get("trace_sampled").asBoolean());
    assertEquals("r-42", line.get("grpc.metadata").get("x-request-id").asText());
    assertFalse(line.has("grpc.description"), "no description on OK: " + line);
    assertEquals("served shop.Orders/PlaceOrder OK in 12.346 ms", line.get("message").asText());
    assertTrue(counters().contains("grpcobs_logs_written_total 1.0"), counters());
  }

  @Test
  void theMessageGivesMillisecondsWithThreeDecimals() {
    assertEquals("0.000", RequestLog.millisText(0));
    assertEquals("0.001", RequestLog.millisText(1_499));
    assertEquals("0.042", RequestLog.millisText(41_600));
    assertEquals("1.500", RequestLog.millisText(1_500_000));
    assertEquals("12.346", RequestLog.millisText(12_345_678));
    assertEquals("7200000.000", RequestLog.millisText(7_200_000_000_000L));
  }

  @Test
  void linesWrittenWhileTheWriterNapsAllArriveAndShutdownFlushesTheRest() throws Exception {
    Lines out = new Lines();
    RequestLog log = start(new LogSettings().serviceName("orders"), out);
    for (int i = 0; i < 3; i++) {
      log.callFinished(call(true, "shop.Orders/PlaceOrder", 0));
      Thread.sleep(60); // longer than the writer's nap, so it has caught up and napped in between
    }
    assertEquals(3, out.awaitLines(3).size());
    for (int i = 0; i < 500; i++) {
      log.callFinished(call(false, "shop.Inventory/Reserve", 0));
    }
    log.shutdown(5000);
    assertEquals(503, out.awaitLines(503).size());
    assertTrue(counters().contains("grpcobs_logs_written_total 503.0"), counters());
  }

  @Test
  void levelsFollowTheStatusAndTheOverrides() throws Exception {
    Lines out = new Lines();
    RequestLog log =
        start(
            new LogSettings()
                .levels("DEBUG", "WARN", "ERROR")
                .codeLevel("NOT_FOUND:INFO")
                .codeLevel("Canceled:debug"),
            out);
    int[] codes = {0, 3, 5, 1, 13, 14, 4, 16};
    for (int code : codes) {
      log.callFinished(call(false, "shop.Inventory/Reserve", code));
    }
    List<JsonNode> lines = out.awaitLines(codes.length);
    List<String> levels = new ArrayList<>();
    for (JsonNode line : lines) {
      levels.add(line.get("grpc.code").asText() + "=" + line.get("level").asText());
      assertEquals("grpc.client.call", line.get("event").asText());
    }
    assertEquals(
        Arrays.asList(
            "OK=DEBUG",
            "INVALID_ARGUMENT=WARN",
            "NOT_FOUND=INFO",
            "CANCELLED=DEBUG",
            "INTERNAL=ERROR",
            "UNAVAILABLE=ERROR",
            "DEADLINE_EXCEEDED=ERROR",
            "UNAUTHENTICATED=WARN"),
        levels);
  }

  @Test
  void hostileTextStillMakesExactlyOneValidLine() throws Exception {
    Lines out = new Lines();
    RequestLog log = start(new LogSettings().maxValueLength(64), out);
    String hostile =
        "line1\nline2\r\n\"quoted\" \\back\\ \u0000\u0007\u001b[31m tab\t"
            + "lone high \uD800 lone low \uDC00 pair \uD83D\uDE00 end";
    CallRecord call = call(true, "shop.Orders/Get", 13);
    call.statusDescription = hostile;
    call.userAgent = "agent\"}\n{\"injected\":true";
    call.metadata = new String[] {"x-note", "\uDBFF", "x-long", repeat('x', 500)};
    log.callFinished(call);
    CallRecord longOne = call(true, "shop.Orders/Get", 2);
    longOne.statusDescription = repeat('d', 63) + "\uD83D\uDE00" + repeat('e', 100);
    log.callFinished(longOne);

    out.awaitLines(2);
    String raw = out.text();
    assertEquals(2, raw.split("\n", -1).length - 1, "exactly two lines: " + raw);
    JsonNode first = out.lines().get(0);
    String description = first.get("grpc.description").asText();
    assertTrue(description.startsWith("line1\nline2\r\n\"quoted\" \\back\\ \u0000\u0007\u001b[31m"),
        description);
    assertTrue(description.endsWith("..."), "cut to the bound: " + description);
    assertFalse(first.has("injected"), first.toString());
    assertEquals("agent\"}\n{\"injected\":true", first.get("user_agent").asText());
    assertEquals("\uFFFD", first.get("grpc.metadata").get("x-note").asText());
    assertEquals(64 + 3, first.get("grpc.metadata").get("x-long").asText().length());
    String cut = out.lines().get(1).get("grpc.description").asText();
    assertEquals(repeat('d', 63) + "...", cut, "a surrogate pair is not split");

    CallRecord surrogates = call(true, "shop.Orders/Get", 2);
    surrogates.statusDescription = "a\uD800b\uDC00c\uD83D\uDE00";
    log.callFinished(surrogates);
    assertEquals("a\uFFFDb\uFFFDc\uD83D\uDE00", out.awaitLines(3).get(2).get("grpc.description").asText());
  }

  @Test
  void filtersLeaveOutSuccessfulCallsButNeverFailures() throws Exception {
    Lines errorsOnly = new Lines();
    RequestLog a = start(new LogSettings().errorsOnly(true), errorsOnly);
    a.callFinished(call(true, "shop.Orders/Get", 0));
    a.callFinished(call(true, "shop.Orders/Get", 5));
    assertEquals("NOT_FOUND", errorsOnly.awaitLines(1).get(0).get("grpc.code").asText());

    Lines slowOnly = new Lines();
    RequestLog b = start(new LogSettings().minDurationMillis(50), slowOnly);
    CallRecord fast = call(true, "shop.Orders/Fast", 0);
    fast.durationNanos = TimeUnit.MILLISECONDS.toNanos(49);
    CallRecord slow = call(true, "shop.Orders/Slow", 0);
    slow.durationNanos = TimeUnit.MILLISECONDS.toNanos(50);
    CallRecord fastFailure = call(true, "shop.Orders/FastFailure", 14);
    fastFailure.durationNanos = 1000;
    b.callFinished(fast);
    b.callFinished(slow);
    b.callFinished(fastFailure);
    List<JsonNode> lines = slowOnly.awaitLines(2);
    assertEquals("Slow", lines.get(0).get("grpc.method").asText());
    assertEquals("FastFailure", lines.get(1).get("grpc.method").asText());

    Lines none = new Lines();
    RequestLog c = start(new LogSettings().sampleRatio(0), none);
    for (int i = 0; i < 100; i++) {
      c.callFinished(call(true, "shop.Orders/Get", 0));
    }
    c.callFinished(call(true, "shop.Orders/Get", 9));
    assertEquals("FAILED_PRECONDITION", none.awaitLines(1).get(0).get("grpc.code").asText());

    assertFalse(c.logs("grpc.health.v1.Health/Check"), "health checks are excluded by default");
    assertFalse(c.logs("grpc.health.v1.Health/Watch"));
    assertTrue(c.logs("shop.Orders/Get"));
    RequestLog d =
        start(new LogSettings().excludedMethods(Arrays.asList("shop.Orders/Get")), new Lines());
    assertFalse(d.logs("shop.Orders/Get"));
    assertTrue(d.logs("grpc.health.v1.Health/Check"));
    // Nothing written by the filtered calls, so nothing ever shows up late either.
    c.shutdown(5000);
    assertEquals(1, none.lines().size());
  }

  @Test
  void aBlockedOutputCostsLinesNeverTheCallersTime() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch writing = new CountDownLatch(1);
    Lines out = new Lines();
    OutputStream blocked =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            writing.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
            out.write(b, off, len);
          }
        };
    RequestLog log = start(new LogSettings().queueSize(10), blocked);
    log.callFinished(call(true, "shop.Orders/Get", 0));
    assertTrue(writing.await(10, TimeUnit.SECONDS), "the writer reached the output");
    // The output now blocks until released: every further call must still return at once. The
    // timeout only guards against a hang; it measures nothing.
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          for (int i = 0; i < 1000; i++) {
            log.callFinished(call(true, "shop.Orders/Get", 0));
          }
        });
    String counters = counters();
    assertTrue(counters.contains("grpcobs_logs_dropped_total{reason=\"queue_full\"} 990.0"),
        counters);
    release.countDown();
    List<JsonNode> lines = out.awaitLines(11);
    Thread.sleep(200);
    assertEquals(11, lines.size(), "the first line plus a full queue, nothing else");
    assertTrue(counters().contains("grpcobs_logs_written_total 11.0"), counters());
  }

  @Test
  void aFailingOutputCountsWhatItLostAndTheCallsGoOn() throws Exception {
    OutputStream failing =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("disk full");
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            throw new IOException("disk full");
          }
        };
    RequestLog log = start(new LogSettings(), failing);
    for (int i = 0; i < 5; i++) {
      log.callFinished(call(true, "shop.Orders/Get", 0));
    }
    await(() -> counters().contains("grpcobs_logs_dropped_total{reason=\"write_failed\"} 5.0"));
    assertTrue(problems.stream().anyMatch(p -> p.contains("IO failure")), problems.toString());
  }

  // ---- helpers ------------------------------------------------------------------------------

  private RequestLog start(LogSettings settings, OutputStream out) {
    LogAccounting accounting = new LogAccounting();
    // The first log of a test counts into the test's registry, any further one into its own.
    accounting.register(started.isEmpty() ? registry : new PrometheusRegistry());
    RequestLog log =
        RequestLog.start(
            settings,
            MethodExclusions.compile(settings.excludedMethods()),
            accounting,
            () -> LogOutput.to(out, problems::add));
    started.add(log);
    return log;
  }

  static CallRecord call(boolean server, String method, int code) {
    CallRecord call = new CallRecord();
    call.server = server;
    call.fullMethodName = method;
    call.type = "unary";
    call.statusCode = code;
    call.statusDescription = code == 0 ? null : "failed with " + code;
    call.durationNanos = 12_345_678;
    call.peerAddress = "10.0.0.7:51234";
    call.authority = "orders.shop:443";
    call.userAgent = "grpc-java-netty/1.85.1";
    call.messagesReceived = 1;
    call.messagesSent = 3;
    call.traceId = "0af7651916cd43dd8448eb211c80319c";
    call.spanId = "b7ad6b7169203331";
    call.traceSampled = true;
    return call;
  }

  private String counters() {
    return PrometheusTextFormatWriter.create().toDebugString(registry.scrape());
  }

  private static String repeat(char c, int n) {
    char[] chars = new char[n];
    Arrays.fill(chars, c);
    return new String(chars);
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(20);
    }
  }

  /** Collects what the output writes and parses it as JSON lines. */
  static final class Lines extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      bytes.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      bytes.write(b, off, len);
    }

    synchronized String text() {
      return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }

    List<JsonNode> lines() throws IOException {
      List<JsonNode> parsed = new ArrayList<>();
      Matcher m = Pattern.compile("[^\n]*\n").matcher(text());
      while (m.find()) {
        parsed.add(JSON.readTree(m.group()));
      }
      return parsed;
    }

    List<JsonNode> awaitLines(int n) throws Exception {
      await(
          () -> {
            try {
              return lines().size() >= n;
            } catch (IOException e) {
              throw new AssertionError("not JSON lines: " + text(), e);
            }
          });
      return lines();
    }
  }
}
