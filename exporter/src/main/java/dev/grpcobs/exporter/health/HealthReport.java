package dev.grpcobs.exporter.health;

import dev.grpcobs.bridge.HealthRegistry;
import dev.grpcobs.bridge.ServerHealth;
import java.util.List;
import java.util.Map;

/**
 * The health of every instrumented server as one small JSON document, and the readiness verdict:
 * ready when at least one server is known and every one of them is started and SERVING.
 */
final class HealthReport {

  private final List<ServerHealth> servers;

  private HealthReport(List<ServerHealth> servers) {
    this.servers = servers;
  }

  static HealthReport now() {
    return new HealthReport(HealthRegistry.servers());
  }

  boolean ready() {
    if (servers.isEmpty()) {
      return false;
    }
    for (ServerHealth server : servers) {
      if (!server.isServing()) {
        return false;
      }
    }
    return true;
  }

  /** {@code {"status":"...","servers":[...]}}; with {@code services}, each server's services too. */
  String toJson(String status, boolean services) {
    StringBuilder json = new StringBuilder(256);
    json.append("{\"status\":");
    string(json, status);
    json.append(",\"servers\":[");
    for (int i = 0; i < servers.size(); i++) {
      ServerHealth server = servers.get(i);
      if (i > 0) {
        json.append(',');
      }
      json.append("{\"id\":").append(server.id());
      json.append(",\"phase\":");
      string(json, server.phase().name());
      json.append(",\"status\":");
      string(json, ServerHealth.statusName(server.status(ServerHealth.WHOLE_SERVER)));
      json.append(",\"ports\":").append(server.ports().toString().replace(" ", ""));
      if (services) {
        json.append(",\"builder\":");
        string(json, server.description());
        json.append(",\"ownHealthService\":").append(server.hasOwnHealthService());
        json.append(",\"services\":{");
        boolean first = true;
        for (Map.Entry<String, Integer> e : server.statuses().entrySet()) {
          if (!first) {
            json.append(',');
          }
          first = false;
          string(json, e.getKey());
          json.append(':');
          string(json, ServerHealth.statusName(e.getValue()));
        }
        json.append('}');
      }
      json.append('}');
    }
    return json.append("]}").toString();
  }

  /** A JSON string literal; service names come from the application, so escape everything. */
  private static void string(StringBuilder json, String value) {
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        json.append('\\').append(c);
      } else if (c < 0x20 || (c >= 0xd800 && c <= 0xdfff)) {
        json.append(String.format("\\u%04x", (int) c));
      } else {
        json.append(c);
      }
    }
    json.append('"');
  }
}
