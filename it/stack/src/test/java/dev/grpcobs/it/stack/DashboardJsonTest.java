package dev.grpcobs.it.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboards as files, without Grafana: what current Grafana needs to load them, provisioned or
 * imported by hand, and what the golden-signal dashboard must show. What their queries return is
 * {@link StackEndToEndTest}'s part.
 */
class DashboardJsonTest {

  /** The dashboard schema version Grafana 12 and 13 write. */
  private static final int CURRENT_SCHEMA_VERSION = 42;
  private static final String DATASOURCE_VARIABLE = "datasource";
  private static final String DATASOURCE_REF = "${" + DATASOURCE_VARIABLE + "}";
  private static final Set<String> GRAFANA_BUILT_INS =
      new HashSet<>(
          Arrays.asList(
              "__rate_interval", "__interval", "__interval_ms", "__range", "__range_s", "__range_ms"));
  private static final Pattern VARIABLE_USE = Pattern.compile("\\$\\{?([a-zA-Z_]\\w*)");

  @Test
  void currentSchemaVersionUniqueUidsAndTitles() throws Exception {
    Set<String> uids = new HashSet<>();
    Set<String> titles = new HashSet<>();
    for (DashboardFile d : DashboardFile.all()) {
      assertEquals(CURRENT_SCHEMA_VERSION, d.json.path("schemaVersion").asInt(), d.name() + " schemaVersion");
      String uid = d.json.path("uid").asText();
      assertTrue(uid.matches("[a-zA-Z0-9_-]{1,40}"), d.name() + " uid " + uid);
      assertTrue(uids.add(uid), "duplicate uid " + uid);
      assertTrue(titles.add(d.json.path("title").asText()), "duplicate title in " + d.name());
      assertTrue(d.json.path("id").isNull(), d.name() + ": no database id in a shipped dashboard");
    }
  }

  @Test
  void importableByHandWithADataSourceInput() throws Exception {
    for (DashboardFile d : DashboardFile.all()) {
      JsonNode input = null;
      for (JsonNode i : d.json.path("__inputs")) {
        if ("datasource".equals(i.path("type").asText()) && "prometheus".equals(i.path("pluginId").asText())) {
          input = i;
        }
      }
      assertTrue(input != null, d.name() + ": __inputs lacks a Prometheus data source input");
      // Grafana's import replaces ${INPUT} with the data source the user picks; the datasource
      // variable starts on it, and every panel follows the variable.
      JsonNode variable = datasourceVariable(d);
      assertEquals(
          "${" + input.path("name").asText() + "}", variable.path("current").path("value").asText(),
          d.name() + ": the datasource variable starts on the imported data source");
    }
  }

  @Test
  void everyPanelHasAQueryAndUsesTheDataSourceVariable() throws Exception {
    List<String> problems = new ArrayList<>();
    for (DashboardFile d : DashboardFile.all()) {
      assertFalse(d.panels().isEmpty(), d.name() + " has no panels");
      for (JsonNode panel : d.panels()) {
        String where = d.name() + " " + DashboardFile.describe(panel);
        if (!isDatasourceRef(panel.path("datasource"))) {
          problems.add(where + ": datasource " + panel.path("datasource"));
        }
        if (panel.path("targets").size() == 0) {
          problems.add(where + ": no query");
        }
        Set<String> refIds = new HashSet<>();
        for (JsonNode target : panel.path("targets")) {
          if (target.path("expr").asText().trim().isEmpty()) {
            problems.add(where + " target " + target.path("refId").asText() + ": empty expr");
          }
          if (!refIds.add(target.path("refId").asText())) {
            problems.add(where + ": duplicate refId " + target.path("refId").asText());
          }
          if (!isDatasourceRef(target.path("datasource"))) {
            problems.add(where + " target " + target.path("refId").asText() + ": datasource " + target.path("datasource"));
          }
        }
      }
      for (JsonNode row : d.rows()) {
        if (row.path("panels").size() > 0 && !row.path("collapsed").asBoolean()) {
          problems.add(d.name() + " row '" + row.path("title").asText() + "' holds panels but is not collapsed");
        }
      }
      for (JsonNode variable : d.variables()) {
        if ("query".equals(variable.path("type").asText()) && !isDatasourceRef(variable.path("datasource"))) {
          problems.add(d.name() + " variable " + variable.path("name").asText() + ": datasource " + variable.path("datasource"));
        }
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void everyVariableUsedIsDefinedAndTheTemplateVariablesAreThere() throws Exception {
    for (DashboardFile d : DashboardFile.all()) {
      Set<String> defined = new TreeSet<>();
      for (JsonNode variable : d.variables()) {
        defined.add(variable.path("name").asText());
      }
      assertTrue(
          defined.containsAll(Arrays.asList(DATASOURCE_VARIABLE, "job", "instance", "service", "method")),
          d.name() + " variables " + defined);
      List<String> queries = new ArrayList<>();
      for (JsonNode panel : d.panels()) {
        panel.path("targets").forEach(t -> queries.add(t.path("expr").asText()));
      }
      d.variables().forEach(v -> queries.add(DashboardFile.variableQuery(v)));
      for (String query : queries) {
        Matcher m = VARIABLE_USE.matcher(query);
        while (m.find()) {
          String name = m.group(1);
          assertTrue(defined.contains(name) || GRAFANA_BUILT_INS.contains(name), d.name() + ": undefined $" + name + " in " + query);
        }
      }
    }
  }

  @Test
  void panelsFitTheGridWithoutOverlapping() throws Exception {
    for (DashboardFile d : DashboardFile.all()) {
      Set<Integer> ids = new HashSet<>();
      List<int[]> boxes = new ArrayList<>();
      List<JsonNode> all = new ArrayList<>(d.rows());
      all.addAll(d.panels());
      for (JsonNode panel : all) {
        assertTrue(ids.add(panel.path("id").asInt()), d.name() + ": duplicate panel id " + panel.path("id"));
        JsonNode g = panel.path("gridPos");
        int x = g.path("x").asInt();
        int y = g.path("y").asInt();
        int w = g.path("w").asInt();
        int h = g.path("h").asInt();
        assertTrue(w > 0 && h > 0 && x >= 0 && x + w <= 24, d.name() + " " + DashboardFile.describe(panel) + " gridPos " + g);
        for (int[] other : boxes) {
          boolean overlap = x < other[0] + other[2] && other[0] < x + w && y < other[1] + other[3] && other[1] < y + h;
          assertFalse(overlap, d.name() + " " + DashboardFile.describe(panel) + " overlaps another panel");
        }
        boxes.add(new int[] {x, y, w, h});
      }
    }
  }

  @Test
  void latencyPanelsShowExemplars() throws Exception {
    int latencyTargets = 0;
    for (DashboardFile d : DashboardFile.all()) {
      for (JsonNode panel : d.panels()) {
        if (!"timeseries".equals(panel.path("type").asText())) {
          continue;
        }
        for (JsonNode target : panel.path("targets")) {
          String expr = target.path("expr").asText();
          if (expr.contains("histogram_quantile") && expr.contains("_handling_seconds_bucket")) {
            latencyTargets++;
            assertTrue(target.path("exemplar").asBoolean(), d.name() + " " + DashboardFile.describe(panel) + ": exemplars off");
          }
        }
      }
    }
    assertTrue(latencyTargets > 0, "no latency panels");
  }

  @Test
  void goldenSignalsDashboardCoversEverySignalOnBothSides() throws Exception {
    DashboardFile golden = null;
    for (DashboardFile d : DashboardFile.all()) {
      if ("grpc-golden-signals".equals(d.json.path("uid").asText())) {
        golden = d;
      }
    }
    assertTrue(golden != null, "no dashboard with uid grpc-golden-signals");
    StringBuilder all = new StringBuilder();
    for (JsonNode panel : golden.panels()) {
      panel.path("targets").forEach(t -> all.append(t.path("expr").asText()).append('\n'));
    }
    String queries = all.toString();
    List<String> expected = new ArrayList<>();
    for (String side : Arrays.asList("server", "client")) {
      for (String family : Arrays.asList("handled_total", "handling_seconds_bucket", "in_flight_calls", "msg_received_total", "msg_sent_total")) {
        expected.add("grpc_" + side + "_" + family);
      }
    }
    // JVM saturation: CPU, heap, GC pauses, threads.
    expected.addAll(Arrays.asList("process_cpu_seconds_total", "jvm_memory_used_bytes", "jvm_gc_collection_seconds", "jvm_threads_current"));
    for (String name : expected) {
      assertTrue(queries.contains(name), "the golden signals dashboard never reads " + name);
    }
    for (String quantile : Arrays.asList("0.5", "0.9", "0.99")) {
      for (String side : Arrays.asList("server", "client")) {
        assertTrue(
            Pattern.compile("histogram_quantile\\(" + Pattern.quote(quantile) + ", [^\\n]*grpc_" + side + "_handling_seconds_bucket")
                .matcher(queries).find(),
            "no " + side + " p" + quantile + " latency");
      }
    }
  }

  @Test
  void alertAnnotationsAndDashboardLinksNameThingsThatExist() throws Exception {
    Set<String> titles = new HashSet<>();
    Set<String> uids = new HashSet<>();
    for (DashboardFile d : DashboardFile.all()) {
      uids.add(d.json.path("uid").asText());
      d.panels().forEach(p -> titles.add(p.path("title").asText()));
    }
    StringBuilder annotations = new StringBuilder();
    for (JsonNode group : new YAMLMapper().readTree(Repo.read(Repo.RULES)).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        rule.path("annotations").forEach(a -> annotations.append(a.asText()).append('\n'));
      }
    }
    assertTrue(annotations.length() > 0, "no annotations in " + Repo.RULES);
    // A quoted name starting with a capital letter in an annotation is a panel title.
    Matcher quoted = Pattern.compile("\"([A-Z][^\"]+)\"").matcher(annotations);
    while (quoted.find()) {
      assertTrue(titles.contains(quoted.group(1)), "alert annotation names a panel that does not exist: " + quoted.group(1));
    }
    for (DashboardFile d : DashboardFile.all()) {
      for (JsonNode link : d.json.path("links")) {
        Matcher m = Pattern.compile("^/d/([^/]+)/").matcher(link.path("url").asText());
        assertTrue(m.find() && uids.contains(m.group(1)), d.name() + " links to a dashboard that is not shipped: " + link);
      }
    }
  }

  private static JsonNode datasourceVariable(DashboardFile d) {
    for (JsonNode variable : d.variables()) {
      if (DATASOURCE_VARIABLE.equals(variable.path("name").asText())) {
        assertEquals("datasource", variable.path("type").asText(), d.name() + " datasource variable type");
        assertEquals("prometheus", variable.path("query").asText(), d.name() + " datasource variable plugin");
        return variable;
      }
    }
    throw new AssertionError(d.name() + " has no '" + DATASOURCE_VARIABLE + "' variable");
  }

  private static boolean isDatasourceRef(JsonNode ref) {
    return "prometheus".equals(ref.path("type").asText()) && DATASOURCE_REF.equals(ref.path("uid").asText());
  }
}
