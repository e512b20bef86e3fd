package dev.grpcobs.exporter.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * HTTP probes for Kubernetes-style health checks: {@code /health/live} answers 200 while the JVM
 * and the agent are alive; {@code /health/ready} answers 200 only while every instrumented gRPC
 * server is started and SERVING (503 otherwise); {@code /health} gives the detail, always 200.
 */
public final class HealthEndpoints {

  public static final String LIVE = "/health/live";
  public static final String READY = "/health/ready";
  public static final String DETAIL = "/health";

  private HealthEndpoints() {}

  public static HttpHandler live() {
    return exchange -> respond(exchange, 200, "{\"status\":\"UP\"}");
  }

  public static HttpHandler ready() {
    return exchange -> {
      HealthReport report = HealthReport.now();
      boolean ready = report.ready();
      respond(exchange, ready ? 200 : 503, report.toJson(ready ? "READY" : "NOT_READY", false));
    };
  }

  public static HttpHandler detail() {
    return exchange -> {
      String path = exchange.getRequestURI().getPath();
      // The JDK server routes by prefix; "/healthz" must not land here.
      if (!path.equals(DETAIL) && !path.equals(DETAIL + "/")) {
        respond(exchange, 404, "{\"error\":\"not found\"}");
        return;
      }
      HealthReport report = HealthReport.now();
      respond(exchange, 200, report.toJson(report.ready() ? "READY" : "NOT_READY", true));
    };
  }

  private static void respond(HttpExchange exchange, int code, String json) throws IOException {
    try {
      byte[] body = (json + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if ("HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(code, -1);
        return;
      }
      exchange.sendResponseHeaders(code, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } finally {
      exchange.close();
    }
  }
}
