package dev.grpcobs.it.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** One Grafana dashboard JSON file of dashboards/grafana, with its panels and template variables. */
final class DashboardFile {

  private static final ObjectMapper JSON = new ObjectMapper();

  final Path path;
  final JsonNode json;

  private DashboardFile(Path path, JsonNode json) {
    this.path = path;
    this.json = json;
  }

  /** Every dashboard the repository ships (and Grafana provisions). */
  static List<DashboardFile> all() throws IOException {
    Path dir = Repo.root().resolve(Repo.DASHBOARD_DIR);
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList());
    }
    if (files.isEmpty()) {
      throw new AssertionError("no dashboard JSON in " + dir);
    }
    List<DashboardFile> dashboards = new ArrayList<>();
    for (Path file : files) {
      dashboards.add(new DashboardFile(file, JSON.readTree(file.toFile())));
    }
    return dashboards;
  }

  String name() {
    return path.getFileName().toString();
  }

  /** Every panel, including those inside rows, rows themselves excluded. */
  List<JsonNode> panels() {
    List<JsonNode> panels = new ArrayList<>();
    collect(json.path("panels"), panels);
    return panels;
  }

  /** Row panels (no queries of their own). */
  List<JsonNode> rows() {
    List<JsonNode> rows = new ArrayList<>();
    for (JsonNode p : json.path("panels")) {
      if ("row".equals(p.path("type").asText())) {
        rows.add(p);
      }
    }
    return rows;
  }

  private static void collect(JsonNode list, List<JsonNode> into) {
    for (JsonNode p : list) {
      if ("row".equals(p.path("type").asText())) {
        collect(p.path("panels"), into);
      } else {
        into.add(p);
      }
    }
  }

  List<JsonNode> variables() {
    List<JsonNode> vars = new ArrayList<>();
    json.path("templating").path("list").forEach(vars::add);
    return vars;
  }

  /** The query text of a variable of type query (Grafana keeps it in query.query or query). */
  static String variableQuery(JsonNode variable) {
    JsonNode query = variable.path("query");
    return query.isObject() ? query.path("query").asText() : query.asText();
  }

  static String describe(JsonNode panel) {
    return "panel " + panel.path("id").asText() + " '" + panel.path("title").asText() + "'";
  }
}
