package dev.grpcobs.it.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.grpcobs.it.harness.Poll;
import dev.grpcobs.it.tracing.OtlpReceiver;
import dev.grpcobs.it.tracing.ReceivedSpan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo shop (inventory, orders, load generator) as local JVMs with the agent, scraped by a real
 * Prometheus that runs the shipped scrape configuration of the Docker demo (addresses and
 * intervals replaced) with the shipped rules (windows compressed, see {@link RuleTimeCompression}),
 * exemplar storage on, and an OTLP receiver standing in for Jaeger. Against that Prometheus every
 * dashboard query must return data, every exemplar-enabled panel must find exemplars whose trace
 * ids the receiver got, every rule must evaluate, and a fault injected into inventory must fire the
 * error-ratio alerts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackEndToEndTest {

  /** Scrape and rule evaluation interval of the test's Prometheus. */
  private static final int SCRAPE_SECONDS = 1;
  /** Every rule window and for: duration is divided by this: 5m becomes 15s. */
  private static final int COMPRESSION = 20;
  /** How far back the dashboard queries look, as a Grafana time range. */
  private static final int RANGE_SECONDS = 60;
  private static final int RPS = 25;
  /** The load generator stops by itself after this, whatever happens to the test. */
  private static final int LOAD_SECONDS = 600;
  private static final YAMLMapper YAML = new YAMLMapper();

  /** Prometheus' configuration, rules and TSDB; removed after the class. */
  @TempDir static Path work;

  private OtlpReceiver otlp;
  private DemoShopProcesses shop;
  private PrometheusServer prometheus;
  private List<RuleFile.Rule> shippedRules;

  @BeforeAll
  void startStack() throws Exception {
    // Fail at once, not after starting the JVMs, when the tools are missing.
    ExternalTool.require("prometheus", "prometheus");
    otlp = OtlpReceiver.start();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint());
    env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
    env.put("OTEL_BSP_SCHEDULE_DELAY", "200");
    shop = DemoShopProcesses.start(env, 0.0, RPS, LOAD_SECONDS);

    String rules = Repo.read(Repo.RULES);
    shippedRules = RuleFile.parse(rules);
    Path compressedRules = work.resolve("grpc-alerts.yml");
    Files.write(
        compressedRules,
        RuleTimeCompression.compress(rules, COMPRESSION).getBytes(StandardCharsets.UTF_8));
    prometheus = PrometheusServer.start(work, scrapeConfig(compressedRules));
    awaitData();
  }

  /**
   * The Docker demo's Prometheus configuration, with each target {@code <service>:9464} pointed at
   * that service's local agent port, the test's short intervals and the compressed rules.
   */
  private String scrapeConfig(Path rules) throws Exception {
    ObjectNode config = (ObjectNode) YAML.readTree(Repo.read(Repo.PROMETHEUS_COMPOSE));
    ObjectNode global = (ObjectNode) config.get("global");
    global.put("scrape_interval", SCRAPE_SECONDS + "s");
    global.put("scrape_timeout", SCRAPE_SECONDS + "s");
    global.put("evaluation_interval", SCRAPE_SECONDS + "s");
    ArrayNode ruleFiles = config.putArray("rule_files");
    ruleFiles.add(rules.toString());
    Set<String> scraped = new TreeSet<>();
    for (JsonNode job : config.get("scrape_configs")) {
      for (JsonNode staticConfig : job.path("static_configs")) {
        ArrayNode targets = (ArrayNode) staticConfig.get("targets");
        for (int i = 0; i < targets.size(); i++) {
          String host = targets.get(i).asText().split(":")[0];
          Integer port = shop.agentPorts().get(host);
          if (port == null) {
            throw new AssertionError(Repo.PROMETHEUS_COMPOSE + " scrapes " + targets.get(i) + ", not a demo service");
          }
          targets.set(i, YAML.getNodeFactory().textNode("127.0.0.1:" + port));
          scraped.add(host);
        }
      }
    }
    assertEquals(
        new TreeSet<>(shop.agentPorts().keySet()), scraped,
        Repo.PROMETHEUS_COMPOSE + " must scrape every demo service");
    return YAML.writeValueAsString(config);
  }

  /** Waits until every job has been scraped for a while and both sides of every call show up. */
  private void awaitData() throws Exception {
    Set<String> jobs = shop.agentPorts().keySet();
    Set<String> scrapedLongEnough =
        Poll.until(
            () -> jobsOf("count_over_time(up[" + (RANGE_SECONDS / 2) + "s]) >= " + (RANGE_SECONDS / 2 - 5)),
            found -> found.containsAll(jobs),
            120);
    assertTrue(scrapedLongEnough.containsAll(jobs), "scraped for long enough: " + scrapedLongEnough + "\n" + prometheus.log());
    Set<String> clients =
        Poll.until(
            () -> jobsOf("sum by (job) (rate(grpc_client_handled_total[10s])) > 0"),
            found -> found.containsAll(Arrays.asList(DemoShopProcesses.LOADGEN, DemoShopProcesses.ORDERS)),
            60);
    Set<String> servers =
        Poll.until(
            () -> jobsOf("sum by (job) (rate(grpc_server_handled_total[10s])) > 0"),
            found -> found.containsAll(Arrays.asList(DemoShopProcesses.INVENTORY, DemoShopProcesses.ORDERS)),
            60);
    assertTrue(clients.contains(DemoShopProcesses.LOADGEN) && clients.contains(DemoShopProcesses.ORDERS), "client jobs: " + clients);
    assertTrue(servers.contains(DemoShopProcesses.INVENTORY) && servers.contains(DemoShopProcesses.ORDERS), "server jobs: " + servers);
  }

  private Set<String> jobsOf(String expr) throws Exception {
    Set<String> jobs = new TreeSet<>();
    for (JsonNode series : prometheus.query(expr).path("result")) {
      jobs.add(series.path("metric").path("job").asText());
    }
    return jobs;
  }

  @AfterAll
  void stopStack() throws Exception {
    try {
      if (prometheus != null) {
        prometheus.close();
      }
    } finally {
      try {
        if (shop != null) {
          shop.close();
        }
      } finally {
        if (otlp != null) {
          otlp.close();
        }
      }
    }
  }

  @Test
  @Order(1)
  void everyServiceIsScrapedWithTheAgentsMetrics() throws Exception {
    Map<String, String> health = new HashMap<>();
    for (JsonNode target : prometheus.targets().path("activeTargets")) {
      health.put(target.path("labels").path("job").asText(), target.path("health").asText());
    }
    for (String job : shop.agentPorts().keySet()) {
      assertEquals("up", health.get(job), "target " + job + " in " + health);
    }
    assertEquals(
        new TreeSet<>(shop.agentPorts().keySet()), jobsOf("grpcobs_agent_info"),
        "every job runs the agent");
  }

  @Test
  @Order(2)
  void everyDashboardQueryReturnsData() throws Exception {
    List<String> failures = new ArrayList<>();
    int queries = 0;
    for (DashboardFile dashboard : DashboardFile.all()) {
      GrafanaQueries grafana = grafanaQueries();
      Map<String, String> variables = grafana.resolveVariables(dashboard);
      for (JsonNode panel : dashboard.panels()) {
        for (JsonNode target : panel.path("targets")) {
          String expr = grafana.interpolate(target.path("expr").asText(), variables);
          JsonNode result =
              prometheus.queryRange(expr, grafana.start(), grafana.end(), grafana.step()).path("result");
          queries++;
          if (finiteValues(result) == 0) {
            failures.add(
                dashboard.name() + " " + DashboardFile.describe(panel) + " target "
                    + target.path("refId").asText() + " returned no data: " + expr + "\n  -> " + result);
          }
        }
      }
      if ("grpc-golden-signals.json".equals(dashboard.name())) {
        // All of them, as Grafana's "All" substitutes them: proves the variables find real values.
        for (String job : shop.agentPorts().keySet()) {
          assertTrue(variables.get("job").contains(job), "job variable " + variables.get("job") + " lacks " + job);
        }
      }
    }
    assertTrue(queries > 0, "no dashboard queries found");
    assertTrue(failures.isEmpty(), failures.size() + " of " + queries + " queries returned no data:\n" + String.join("\n", failures));
  }

  @Test
  @Order(3)
  void latencyPanelExemplarsCarryTraceIdsOfExportedSpans() throws Exception {
    List<String> failures = new ArrayList<>();
    int exemplarTargets = 0;
    for (DashboardFile dashboard : DashboardFile.all()) {
      GrafanaQueries grafana = grafanaQueries();
      Map<String, String> variables = grafana.resolveVariables(dashboard);
      for (JsonNode panel : dashboard.panels()) {
        for (JsonNode target : panel.path("targets")) {
          if (!target.path("exemplar").asBoolean()) {
            continue;
          }
          exemplarTargets++;
          String expr = grafana.interpolate(target.path("expr").asText(), variables);
          Set<String> traceIds = exemplarTraceIds(expr, grafana);
          String where = dashboard.name() + " " + DashboardFile.describe(panel) + " " + target.path("refId").asText();
          if (traceIds.isEmpty()) {
            failures.add(where + ": no exemplars with a trace_id for " + expr);
            continue;
          }
          // The link Grafana draws goes to Jaeger by trace id: the trace must have been exported.
          List<ReceivedSpan> spans =
              otlp.awaitSpans(
                  received -> received.stream().anyMatch(s -> traceIds.contains(s.traceId())), 30);
          if (spans.stream().noneMatch(s -> traceIds.contains(s.traceId()))) {
            failures.add(where + ": none of the exemplar trace ids " + traceIds + " was exported over OTLP");
          }
        }
      }
    }
    assertTrue(exemplarTargets > 0, "no panel asks for exemplars");
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  private Set<String> exemplarTraceIds(String expr, GrafanaQueries grafana) throws Exception {
    Set<String> traceIds = new LinkedHashSet<>();
    for (JsonNode series : prometheus.exemplars(expr, grafana.start(), grafana.end())) {
      for (JsonNode exemplar : series.path("exemplars")) {
        String traceId = exemplar.path("labels").path("trace_id").asText();
        if (traceId.matches("[0-9a-f]{32}")) {
          traceIds.add(traceId);
        }
      }
    }
    return traceIds;
  }

  @Test
  @Order(4)
  void everyShippedRuleIsLoadedEvaluatedAndReadsExistingMetrics() throws Exception {
    JsonNode loaded =
        Poll.until(
            prometheus::rules,
            rules -> allRules(rules).stream().noneMatch(r -> r.path("lastEvaluation").asText().startsWith("0001-")),
            30);
    List<JsonNode> rules = allRules(loaded);
    Set<String> shippedNames = shippedRules.stream().map(r -> r.name).collect(Collectors.toCollection(TreeSet::new));
    Set<String> loadedNames =
        rules.stream().map(r -> r.path("name").asText()).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(shippedNames, loadedNames, "Prometheus loaded every shipped rule");
    assertEquals(shippedRules.size(), rules.size(), "rules loaded");
    for (JsonNode rule : rules) {
      assertEquals("ok", rule.path("health").asText(), rule.path("name").asText() + ": " + rule.path("lastError").asText());
    }

    Set<String> recorded = shippedRules.stream().filter(r -> !r.alert).map(r -> r.name).collect(Collectors.toSet());
    Set<String> stored = new HashSet<>(prometheus.labelValues("__name__", null, grafanaQueries().start(), grafanaQueries().end()));
    List<String> missing = new ArrayList<>();
    for (RuleFile.Rule rule : shippedRules) {
      for (String metric : RuleFile.metricNames(rule.expr)) {
        if (!recorded.contains(metric) && !stored.contains(metric)) {
          missing.add(rule + " reads " + metric + ", which the agents do not expose");
        }
      }
    }
    assertTrue(missing.isEmpty(), String.join("\n", missing));

    // Every recording rule has a value for the demo's services, the error ratios too (0 while
    // nothing fails, rather than absent).
    for (RuleFile.Rule rule : shippedRules) {
      if (!rule.alert) {
        JsonNode result = prometheus.query(rule.name).path("result");
        assertTrue(finiteValues(result) > 0, rule + " recorded nothing: " + result);
      }
    }
  }

  @Test
  @Order(5)
  void injectedErrorsFireTheErrorRatioAlerts() throws Exception {
    // Before: inventory fails nothing on its side (the shop's NotFound and friends are the
    // callers' errors), so neither alert may even be pending.
    assertTrue(
        alerts("GrpcServerErrorRatioHigh").isEmpty() && alerts("GrpcClientErrorRatioHigh").isEmpty(),
        "error-ratio alerts active before any fault: " + prometheus.alerts());

    shop.restartInventory(0.5);

    List<JsonNode> server =
        Poll.until(
            () -> firing("GrpcServerErrorRatioHigh", DemoShopProcesses.INVENTORY, "shop.Inventory"),
            found -> !found.isEmpty(),
            180);
    assertFalse(server.isEmpty(), "GrpcServerErrorRatioHigh did not fire for inventory: " + prometheus.alerts());
    String summary = server.get(0).path("annotations").path("summary").asText();
    assertTrue(summary.contains("shop.Inventory") && summary.contains("%"), "rendered summary: " + summary);

    // orders, calling inventory, sees the same failures as a client.
    List<JsonNode> client =
        Poll.until(
            () -> firing("GrpcClientErrorRatioHigh", DemoShopProcesses.ORDERS, "shop.Inventory"),
            found -> !found.isEmpty(),
            60);
    assertFalse(client.isEmpty(), "GrpcClientErrorRatioHigh did not fire for orders: " + prometheus.alerts());
  }

  private GrafanaQueries grafanaQueries() {
    long now = System.currentTimeMillis() / 1000;
    return new GrafanaQueries(prometheus, now - RANGE_SECONDS, now, 2, SCRAPE_SECONDS);
  }

  private List<JsonNode> alerts(String name) throws Exception {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode alert : prometheus.alerts().path("alerts")) {
      if (name.equals(alert.path("labels").path("alertname").asText())) {
        found.add(alert);
      }
    }
    return found;
  }

  private List<JsonNode> firing(String name, String job, String grpcService) throws Exception {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode alert : alerts(name)) {
      JsonNode labels = alert.path("labels");
      if ("firing".equals(alert.path("state").asText())
          && job.equals(labels.path("job").asText())
          && grpcService.equals(labels.path("grpc_service").asText())) {
        found.add(alert);
      }
    }
    return found;
  }

  private static List<JsonNode> allRules(JsonNode rulesData) {
    List<JsonNode> rules = new ArrayList<>();
    for (JsonNode group : rulesData.path("groups")) {
      group.path("rules").forEach(rules::add);
    }
    return rules;
  }

  /** Number of finite sample values in an instant or range query result. */
  private static int finiteValues(JsonNode result) {
    int n = 0;
    for (JsonNode series : result) {
      List<JsonNode> samples = new ArrayList<>();
      if (series.has("values")) {
        series.get("values").forEach(samples::add);
      } else if (series.has("value")) {
        samples.add(series.get("value"));
      }
      for (JsonNode sample : samples) {
        String value = sample.get(1).asText();
        if (!value.equals("NaN") && !value.endsWith("Inf")) {
          n++;
        }
      }
    }
    return n;
  }
}
