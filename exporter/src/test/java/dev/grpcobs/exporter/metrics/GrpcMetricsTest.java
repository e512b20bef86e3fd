package dev.grpcobs.exporter.metrics;

import static dev.grpcobs.exporter.metrics.Exposition.family;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcobs.bridge.CallMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GrpcMetricsTest {

  private static final double[] BUCKETS = {0.01, 0.1, 1};
  private static final String PLACE_ORDER = labels("shop.Orders", "PlaceOrder", "unary");

  private PrometheusRegistry registry;
  private GrpcMetrics metrics;

  @BeforeEach
  void freshRegistry() {
    registry = new PrometheusRegistry();
    metrics = new GrpcMetrics(registry, BUCKETS, 100);
  }

  @Test
  void countsStartedCallsAndMessages() {
    CallMetrics call = metrics.method(true, "shop.Orders", "PlaceOrder", "unary");
    call.started();
    call.started();
    call.messageReceived();
    call.messageReceived();
    call.messageReceived();
    call.messageSent();

    assertEquals(
        "# HELP grpc_server_started_total Total number of RPCs started on the server.\n"
            + "# TYPE grpc_server_started_total counter\n"
            + "grpc_server_started_total{" + PLACE_ORDER + "} 2.0\n",
        family(registry, GrpcMetrics.SERVER_STARTED_TOTAL));
    assertEquals(
        "# HELP grpc_server_msg_received_total"
            + " Total number of RPC messages received on the server.\n"
            + "# TYPE grpc_server_msg_received_total counter\n"
            + "grpc_server_msg_received_total{" + PLACE_ORDER + "} 3.0\n",
        family(registry, GrpcMetrics.SERVER_MSG_RECEIVED_TOTAL));
    assertEquals(
        "# HELP grpc_server_msg_sent_total Total number of RPC messages sent on the server.\n"
            + "# TYPE grpc_server_msg_sent_total counter\n"
            + "grpc_server_msg_sent_total{" + PLACE_ORDER + "} 1.0\n",
        family(registry, GrpcMetrics.SERVER_MSG_SENT_TOTAL));
  }

  @Test
  void countsFinishedCallsPerStatusCodeName() {
    CallMetrics call = metrics.method(true, "shop.Orders", "PlaceOrder", "unary");
    int[] codes = {0, 0, 5, 14, 99};
    for (int code : codes) {
      call.started();
      call.finished(code, 1_000_000L);
    }

    assertEquals(
        "# HELP grpc_server_handled_total"
            + " Total number of RPCs finished on the server, by status code, success or not.\n"
            + "# TYPE grpc_server_handled_total counter\n"
            + "grpc_server_handled_total{grpc_code=\"Code(99)\"," + PLACE_ORDER + "} 1.0\n"
            + "grpc_server_handled_total{grpc_code=\"NotFound\"," + PLACE_ORDER + "} 1.0\n"
            + "grpc_server_handled_total{grpc_code=\"OK\"," + PLACE_ORDER + "} 2.0\n"
            + "grpc_server_handled_total{grpc_code=\"Unavailable\"," + PLACE_ORDER + "} 1.0\n",
        family(registry, GrpcMetrics.SERVER_HANDLED_TOTAL));
  }

  @Test
  void recordsHandlingTimeInSecondsInTheGivenBuckets() {
    CallMetrics call = metrics.method(true, "shop.Orders", "PlaceOrder", "unary");
    // Powers of two, so the sum is exact: 1/128 s, 1/16 s twice, 2 s.
    long[] durationsNanos = {7_812_500L, 62_500_000L, 62_500_000L, 2_000_000_000L};
    for (long nanos : durationsNanos) {
      call.started();
      call.finished(0, nanos);
    }

    assertEquals(
        "# HELP grpc_server_handling_seconds"
            + " Time from start to finish of RPCs on the server, in seconds.\n"
            + "# TYPE grpc_server_handling_seconds histogram\n"
            + "grpc_server_handling_seconds_bucket{" + PLACE_ORDER + ",le=\"0.01\"} 1\n"
            + "grpc_server_handling_seconds_bucket{" + PLACE_ORDER + ",le=\"0.1\"} 3\n"
            + "grpc_server_handling_seconds_bucket{" + PLACE_ORDER + ",le=\"1.0\"} 3\n"
            + "grpc_server_handling_seconds_bucket{" + PLACE_ORDER + ",le=\"+Inf\"} 4\n"
            + "grpc_server_handling_seconds_count{" + PLACE_ORDER + "} 4\n"
            + "grpc_server_handling_seconds_sum{" + PLACE_ORDER + "} 2.1328125\n",
        family(registry, GrpcMetrics.SERVER_HANDLING_SECONDS));
  }

  @Test
  void negativeDurationCountsAsZero() {
    CallMetrics call = metrics.method(true, "shop.Orders", "PlaceOrder", "unary");
    call.started();
    call.finished(0, -5L);

    String histogram = family(registry, GrpcMetrics.SERVER_HANDLING_SECONDS);
    assertContainsLine(
        histogram, "grpc_server_handling_seconds_bucket{" + PLACE_ORDER + ",le=\"0.01\"} 1");
    assertContainsLine(histogram, "grpc_server_handling_seconds_sum{" + PLACE_ORDER + "} 0.0");
  }

  @Test
  void inFlightGaugeFollowsStartedAndFinishedCalls() {
    CallMetrics call = metrics.method(true, "shop.Orders", "PlaceOrder", "unary");
    String header =
        "# HELP grpc_server_in_flight_calls"
            + " Number of RPCs started on the server and not yet finished.\n"
            + "# TYPE grpc_server_in_flight_calls gauge\n";
    String sample = "grpc_server_in_flight_calls{" + PLACE_ORDER + "} ";

    assertEquals(header + sample + "0.0\n", family(registry, GrpcMetrics.SERVER_IN_FLIGHT_CALLS));
    call.started();
    call.started();
    assertEquals(header + sample + "2.0\n", family(registry, GrpcMetrics.SERVER_IN_FLIGHT_CALLS));
    call.finished(0, 1L);
    assertEquals(header + sample + "1.0\n", family(registry, GrpcMetrics.SERVER_IN_FLIGHT_CALLS));
    call.finished(14, 1L);
    assertEquals(header + sample + "0.0\n", family(registry, GrpcMetrics.SERVER_IN_FLIGHT_CALLS));
  }

  @Test
  void clientCallsGoToTheClientFamiliesOnly() {
    CallMetrics call = metrics.method(false, "shop.Orders", "PlaceOrder", "unary");
    call.started();
    call.messageSent();
    call.messageReceived();
    call.finished(1, 62_500_000L);

    assertEquals(
        "# HELP grpc_client_started_total Total number of RPCs started by the client.\n"
            + "# TYPE grpc_client_started_total counter\n"
            + "grpc_client_started_total{" + PLACE_ORDER + "} 1.0\n",
        family(registry, GrpcMetrics.CLIENT_STARTED_TOTAL));
    assertEquals(
        "# HELP grpc_client_handled_total"
            + " Total number of RPCs finished by the client, by status code, success or not.\n"
            + "# TYPE grpc_client_handled_total counter\n"
            + "grpc_client_handled_total{grpc_code=\"Canceled\"," + PLACE_ORDER + "} 1.0\n",
        family(registry, GrpcMetrics.CLIENT_HANDLED_TOTAL));
    assertContainsLine(
        family(registry, GrpcMetrics.CLIENT_MSG_SENT_TOTAL),
        "grpc_client_msg_sent_total{" + PLACE_ORDER + "} 1.0");
    assertContainsLine(
        family(registry, GrpcMetrics.CLIENT_MSG_RECEIVED_TOTAL),
        "grpc_client_msg_received_total{" + PLACE_ORDER + "} 1.0");
    assertContainsLine(
        family(registry, GrpcMetrics.CLIENT_HANDLING_SECONDS),
        "grpc_client_handling_seconds_sum{" + PLACE_ORDER + "} 0.0625");
    assertContainsLine(
        family(registry, GrpcMetrics.CLIENT_IN_FLIGHT_CALLS),
        "grpc_client_in_flight_calls{" + PLACE_ORDER + "} 0.0");

    assertEquals("", family(registry, GrpcMetrics.SERVER_STARTED_TOTAL));
    assertEquals("", family(registry, GrpcMetrics.SERVER_HANDLED_TOTAL));
  }

  @Test
  void returnsTheSameInstrumentsForTheSameMethod() {
    CallMetrics first = metrics.method(true, "shop.Orders", "PlaceOrder", "unary");
    assertSame(first, metrics.method(true, "shop.Orders", "PlaceOrder", "unary"));
    assertNotSame(first, metrics.method(false, "shop.Orders", "PlaceOrder", "unary"));
    assertNotSame(first, metrics.method(true, "shop.Orders", "PlaceOrder", "server_stream"));
  }

  @Test
  void foldsMethodsBeyondTheCapIntoOtherKeepingTheType() {
    PrometheusRegistry cappedRegistry = new PrometheusRegistry();
    GrpcMetrics capped = new GrpcMetrics(cappedRegistry, BUCKETS, 2);

    CallMetrics a = capped.method(true, "svc", "A", "unary");
    capped.method(true, "svc", "B", "unary").started();
    CallMetrics c = capped.method(true, "svc", "C", "unary");
    CallMetrics d = capped.method(true, "svc", "D", "server_stream");
    a.started();
    c.started();
    c.started();
    d.started();
    capped.method(true, "svc", "E", "unary").started();

    assertSame(a, capped.method(true, "svc", "A", "unary"), "admitted methods stay cached");
    assertSame(c, capped.method(true, "svc", "C", "unary"), "folded methods share one entry");
    assertEquals(
        "# HELP grpc_server_started_total Total number of RPCs started on the server.\n"
            + "# TYPE grpc_server_started_total counter\n"
            + "grpc_server_started_total{" + labels("svc", "A", "unary") + "} 1.0\n"
            + "grpc_server_started_total{" + labels("svc", "B", "unary") + "} 1.0\n"
            + "grpc_server_started_total{" + labels("other", "other", "server_stream") + "} 1.0\n"
            + "grpc_server_started_total{" + labels("other", "other", "unary") + "} 3.0\n",
        family(cappedRegistry, GrpcMetrics.SERVER_STARTED_TOTAL));

    // Each side has its own budget.
    capped.method(false, "svc", "C", "unary").started();
    capped.method(false, "svc", "D", "unary").started();
    capped.method(false, "svc", "E", "unary").started();
    assertEquals(
        "# HELP grpc_client_started_total Total number of RPCs started by the client.\n"
            + "# TYPE grpc_client_started_total counter\n"
            + "grpc_client_started_total{" + labels("svc", "C", "unary") + "} 1.0\n"
            + "grpc_client_started_total{" + labels("svc", "D", "unary") + "} 1.0\n"
            + "grpc_client_started_total{" + labels("other", "other", "unary") + "} 1.0\n",
        family(cappedRegistry, GrpcMetrics.CLIENT_STARTED_TOTAL));
  }

  @Test
  void concurrentLookupsNeverAdmitMoreThanTheCap() throws Exception {
    PrometheusRegistry cappedRegistry = new PrometheusRegistry();
    GrpcMetrics capped = new GrpcMetrics(cappedRegistry, BUCKETS, 50);
    int threads = 8;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int m = 0; m < 200; m++) {
                    capped.method(true, "svc", "M" + m, "unary").started();
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    int admitted = 0;
    String other = "grpc_server_started_total{" + labels("other", "other", "unary") + "} ";
    String otherCount = null;
    for (String line : family(cappedRegistry, GrpcMetrics.SERVER_STARTED_TOTAL).split("\n")) {
      if (line.startsWith(other)) {
        otherCount = line.substring(other.length());
      } else if (line.startsWith("grpc_server_started_total{")) {
        admitted++;
      }
    }
    assertEquals(50, admitted);
    assertEquals(String.valueOf((200 - 50) * threads * 1.0), otherCount);
  }

  @Test
  void zeroCapReportsEverythingAsOther() {
    PrometheusRegistry cappedRegistry = new PrometheusRegistry();
    GrpcMetrics capped = new GrpcMetrics(cappedRegistry, BUCKETS, 0);
    capped.method(true, "svc", "A", "unary").started();

    assertContainsLine(
        family(cappedRegistry, GrpcMetrics.SERVER_STARTED_TOTAL),
        "grpc_server_started_total{" + labels("other", "other", "unary") + "} 1.0");
  }

  @Test
  void missingLabelValuesBecomeOther() {
    metrics.method(true, null, null, null).started();

    assertContainsLine(
        family(registry, GrpcMetrics.SERVER_STARTED_TOTAL),
        "grpc_server_started_total{" + labels("other", "other", "other") + "} 1.0");
  }

  @Test
  void defaultLatencyBucketsAreACopyOfTheConstant() {
    double[] copy = GrpcMetrics.defaultLatencyBuckets();
    assertArrayEquals(
        new double[] {
          0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
          5, 10, 30, 60, 120
        },
        copy);
    copy[0] = 42;
    assertEquals(0.0001, GrpcMetrics.DEFAULT_LATENCY_BUCKETS[0]);
  }

  @Test
  void histogramHasExactlyTheGivenBucketsPlusInfinity() {
    PrometheusRegistry defaultsRegistry = new PrometheusRegistry();
    GrpcMetrics withDefaults =
        new GrpcMetrics(defaultsRegistry, GrpcMetrics.defaultLatencyBuckets(), 10);
    CallMetrics call = withDefaults.method(true, "shop.Orders", "PlaceOrder", "unary");
    call.started();
    call.finished(0, 3_000_000L);

    String histogram = family(defaultsRegistry, GrpcMetrics.SERVER_HANDLING_SECONDS);
    int buckets = 0;
    for (String line : histogram.split("\n")) {
      if (line.startsWith("grpc_server_handling_seconds_bucket{")) {
        buckets++;
      }
    }
    assertEquals(GrpcMetrics.DEFAULT_LATENCY_BUCKETS.length + 1, buckets);
    assertContainsLine(
        histogram, "grpc_server_handling_seconds_bucket{" + PLACE_ORDER + ",le=\"0.0025\"} 0");
    assertContainsLine(
        histogram, "grpc_server_handling_seconds_bucket{" + PLACE_ORDER + ",le=\"0.005\"} 1");
    assertContainsLine(
        histogram, "grpc_server_handling_seconds_bucket{" + PLACE_ORDER + ",le=\"120.0\"} 1");
  }

  @Test
  void rejectsNegativeCap() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new GrpcMetrics(new PrometheusRegistry(), BUCKETS, -1));
  }

  /** The method labels as client_java writes them: sorted by name. */
  private static String labels(String service, String method, String type) {
    return "grpc_method=\"" + method + "\",grpc_service=\"" + service + "\",grpc_type=\"" + type
        + "\"";
  }

  private static void assertContainsLine(String text, String line) {
    assertTrue(
        ("\n" + text).contains("\n" + line + "\n"), () -> "no line [" + line + "] in:\n" + text);
  }
}
