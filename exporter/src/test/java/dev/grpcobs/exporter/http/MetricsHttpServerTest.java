package dev.grpcobs.exporter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpHandler;
import dev.grpcobs.exporter.metrics.GrpcMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsHttpServerTest {

  private static final String HOST = "127.0.0.1";
  private static final String STARTED_LINE =
      "grpc_server_started_total{grpc_method=\"PlaceOrder\",grpc_service=\"shop.Orders\","
          + "grpc_type=\"unary\"} 1.0\n";

  private PrometheusRegistry registry;
  private MetricsHttpServer server;
  private int port;

  @BeforeEach
  void startServer() throws IOException {
    registry = new PrometheusRegistry();
    new GrpcMetrics(registry, GrpcMetrics.defaultLatencyBuckets(), 10)
        .method(true, "shop.Orders", "PlaceOrder", "unary")
        .started();
    server =
        MetricsHttpServer.builder(registry)
            .host(HOST)
            .port(0)
            .handler("/health/live", textHandler(200, "live"))
            .handler("/whoami", exchange -> respond(exchange, 200, describeCurrentThread()))
            .build();
    port = server.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void servesPrometheusTextByDefault() throws IOException {
    Response response = get("/metrics", null);

    assertEquals(200, response.status);
    assertEquals("text/plain; version=0.0.4; charset=utf-8", response.contentType);
    assertTrue(response.body.contains("# TYPE grpc_server_started_total counter\n"), response.body);
    assertTrue(response.body.contains(STARTED_LINE), response.body);
    assertFalse(response.body.contains("# EOF"), response.body);
  }

  @Test
  void servesOpenMetricsWhenAskedFor() throws IOException {
    Response response = get("/metrics", "application/openmetrics-text; version=1.0.0");

    assertEquals(200, response.status);
    assertTrue(
        response.contentType.startsWith("application/openmetrics-text"), response.contentType);
    assertTrue(response.body.contains("# TYPE grpc_server_started counter\n"), response.body);
    assertTrue(response.body.contains(STARTED_LINE), response.body);
    assertTrue(response.body.endsWith("# EOF\n"), response.body);
  }

  @Test
  void servesAddedHandlers() throws IOException {
    Response response = get("/health/live", null);

    assertEquals(200, response.status);
    assertEquals("live", response.body);
  }

  @Test
  void handlesRequestsOnItsOwnDaemonThreads() throws IOException {
    String thread = get("/whoami", null).body;

    assertTrue(thread.matches("grpcobs-http-\\d+ daemon=true"), thread);
  }

  @Test
  void dispatcherThreadDoesNotKeepTheJvmAlive() {
    // This test runs on a non-daemon thread, as the agent's premain does.
    assertFalse(Thread.currentThread().isDaemon());
    boolean found = false;
    for (Thread thread : allThreads()) {
      if (thread.getName().startsWith("HTTP-Dispatcher")) {
        found = true;
        assertTrue(thread.isDaemon(), thread.getName() + " is not a daemon thread");
      }
    }
    assertTrue(found, "no JDK HTTP dispatcher thread found");
  }

  @Test
  void indexListsThePaths() throws IOException {
    Response response = get("/", null);

    assertEquals(200, response.status);
    assertEquals("text/plain; charset=utf-8", response.contentType);
    assertEquals("grpc-observability-agent\n\n/metrics\n/health/live\n/whoami\n", response.body);
  }

  @Test
  void unknownPathIsNotFound() throws IOException {
    assertEquals(404, get("/nothing-here", null).status);
  }

  @Test
  void bindingAPortInUseFailsNamingHostAndPort() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      int takenPort = taken.getLocalPort();
      MetricsHttpServer second =
          MetricsHttpServer.builder(registry).host(HOST).port(takenPort).build();

      IOException failure = assertThrows(IOException.class, second::start);

      assertTrue(
          failure.getMessage().startsWith("cannot listen on " + HOST + ":" + takenPort + ": "),
          failure.getMessage());
      assertInstanceOf(BindException.class, failure.getCause());
      assertTrue(failure.getMessage().endsWith(failure.getCause().getMessage()));
      second.close();
    }
  }

  @Test
  void cannotStartTwice() {
    assertThrows(IllegalStateException.class, server::start);
  }

  @Test
  void closeReleasesThePort() throws IOException {
    server.close();

    MetricsHttpServer again = MetricsHttpServer.builder(registry).host(HOST).port(port).build();
    try {
      assertEquals(port, again.start());
      assertEquals(200, get("/metrics", null).status);
    } finally {
      again.close();
    }
  }

  @Test
  void builderRejectsReservedAndDuplicatePaths() {
    MetricsHttpServer.Builder builder =
        MetricsHttpServer.builder(registry).handler("/health/ready", textHandler(200, "ready"));

    HttpHandler any = textHandler(200, "");

    assertThrows(IllegalArgumentException.class, () -> builder.handler("/health/ready", any));
    assertThrows(IllegalArgumentException.class, () -> builder.handler("/metrics", any));
    assertThrows(IllegalArgumentException.class, () -> builder.handler("/", any));
    assertThrows(IllegalArgumentException.class, () -> builder.handler("health", any));
    assertThrows(IllegalArgumentException.class, () -> builder.port(65536));
  }

  private Response get(String path, String accept) throws IOException {
    HttpURLConnection connection =
        (HttpURLConnection) new URL("http://" + HOST + ":" + port + path).openConnection();
    connection.setConnectTimeout(10_000);
    connection.setReadTimeout(10_000);
    if (accept != null) {
      connection.setRequestProperty("Accept", accept);
    }
    try {
      int status = connection.getResponseCode();
      InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
      return new Response(status, connection.getContentType(), in == null ? "" : readAll(in));
    } finally {
      connection.disconnect();
    }
  }

  private static String readAll(InputStream in) throws IOException {
    try (InputStream stream = in) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      int n;
      while ((n = stream.read(buffer)) != -1) {
        bytes.write(buffer, 0, n);
      }
      return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }
  }

  private static HttpHandler textHandler(int status, String body) {
    return exchange -> respond(exchange, status, body);
  }

  private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String describeCurrentThread() {
    Thread thread = Thread.currentThread();
    return thread.getName() + " daemon=" + thread.isDaemon();
  }

  private static Thread[] allThreads() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads = new Thread[root.activeCount() * 2 + 16];
    int count = root.enumerate(threads, true);
    Thread[] result = new Thread[count];
    System.arraycopy(threads, 0, result, 0, count);
    return result;
  }

  private static final class Response {
    final int status;
    final String contentType;
    final String body;

    Response(int status, String contentType, String body) {
      this.status = status;
      this.contentType = contentType;
      this.body = body;
    }
  }
}
