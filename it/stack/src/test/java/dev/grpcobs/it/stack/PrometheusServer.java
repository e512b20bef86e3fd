package dev.grpcobs.it.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (the Debian package's binary) started for one test class on a free port, with
 * a configuration the test writes, exemplar storage on, and its HTTP API as JSON.
 */
final class PrometheusServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path log;
  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private PrometheusServer(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Writes {@code config} to {@code workDir}, starts Prometheus on it and waits until it is ready. */
  static PrometheusServer start(Path workDir, String config) throws Exception {
    ExternalTool prometheus = ExternalTool.require("prometheus", "prometheus");
    Path configFile = workDir.resolve("prometheus.yml");
    Files.write(configFile, config.getBytes(StandardCharsets.UTF_8));
    Path log = workDir.resolve("prometheus.log");
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(prometheus.executable().toString());
    command.add("--config.file=" + configFile);
    command.add("--storage.tsdb.path=" + workDir.resolve("data"));
    command.add("--web.listen-address=127.0.0.1:" + port);
    // The flag the compose file sets too: keeps exemplars, and makes Prometheus ask for
    // OpenMetrics, the only exposition format that carries them.
    command.add("--enable-feature=exemplar-storage");
    Process process =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    PrometheusServer server = new PrometheusServer(process, log, port);
    server.awaitReady();
    return server;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  int port() {
    return port;
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("prometheus exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        HttpResponse<String> ready = get("/-/ready");
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("prometheus was not ready within 60 s:\n" + log());
  }

  String log() {
    try {
      return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** An instant query at the current time; the {@code data} of the answer. */
  JsonNode query(String expr) throws Exception {
    return api("/api/v1/query", params("query", expr));
  }

  /** A range query, as Grafana sends for a time series panel; the {@code data} of the answer. */
  JsonNode queryRange(String expr, long startSeconds, long endSeconds, long stepSeconds) throws Exception {
    return api(
        "/api/v1/query_range",
        params(
            "query", expr,
            "start", Long.toString(startSeconds),
            "end", Long.toString(endSeconds),
            "step", Long.toString(stepSeconds)));
  }

  /** Values of {@code label} on the series matching {@code selector} in the time range. */
  List<String> labelValues(String label, String selector, long startSeconds, long endSeconds) throws Exception {
    Map<String, String> params = new LinkedHashMap<>();
    if (selector != null) {
      params.put("match[]", selector);
    }
    params.put("start", Long.toString(startSeconds));
    params.put("end", Long.toString(endSeconds));
    JsonNode data = api("/api/v1/label/" + label + "/values", params);
    List<String> values = new ArrayList<>();
    data.forEach(v -> values.add(v.asText()));
    return values;
  }

  /** Exemplars of the series selected by {@code expr}, as Grafana asks for them. */
  JsonNode exemplars(String expr, long startSeconds, long endSeconds) throws Exception {
    return api(
        "/api/v1/query_exemplars",
        params("query", expr, "start", Long.toString(startSeconds), "end", Long.toString(endSeconds)));
  }

  JsonNode rules() throws Exception {
    return api("/api/v1/rules", new LinkedHashMap<>());
  }

  JsonNode alerts() throws Exception {
    return api("/api/v1/alerts", new LinkedHashMap<>());
  }

  JsonNode targets() throws Exception {
    return api("/api/v1/targets", params("state", "active"));
  }

  private static Map<String, String> params(String... keyValues) {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      params.put(keyValues[i], keyValues[i + 1]);
    }
    return params;
  }

  /** POSTs the parameters form-encoded (queries can be long) and returns the answer's data. */
  private JsonNode api(String path, Map<String, String> params) throws Exception {
    StringBuilder form = new StringBuilder();
    for (Map.Entry<String, String> p : params.entrySet()) {
      if (form.length() > 0) {
        form.append('&');
      }
      form.append(URLEncoder.encode(p.getKey(), "UTF-8"))
          .append('=')
          .append(URLEncoder.encode(p.getValue(), "UTF-8"));
    }
    boolean query = path.startsWith("/api/v1/query");
    HttpRequest.Builder request =
        HttpRequest.newBuilder().timeout(Duration.ofSeconds(30));
    if (!query) {
      // Only the query endpoints take POST (as Grafana sends them); the others answer GET.
      request.uri(URI.create(base() + path + (form.length() > 0 ? "?" + form : ""))).GET();
    } else {
      request
          .uri(URI.create(base() + path))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException notJson) {
      throw new AssertionError(path + " " + params + " answered " + response.statusCode() + ": " + response.body());
    }
    if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
      throw new AssertionError(
          "Prometheus rejected " + path + " " + params + ": " + response.statusCode() + " "
              + body.path("errorType").asText() + ": " + body.path("error").asText());
    }
    return body.get("data");
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String base() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
