package dev.grpcobs.it.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The compose file as docker-compose itself reads it ({@code docker-compose config}): the demo
 * services built from the repository with the agent attached through JAVA_TOOL_OPTIONS only, the
 * pinned Jaeger/Prometheus/Grafana images, and every file they mount being the repository's own,
 * consistent with each other (scrape targets, rule files, provisioning paths, data source uids).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComposeFileTest {

  static final List<String> DEMO_SERVICES = Arrays.asList("inventory", "orders", "loadgen");
  private static final Pattern PINNED = Pattern.compile("^[^:@]+(?::[^:@]*\\d[^:@]*)(?:@sha256:[0-9a-f]{64})?$");
  private static final YAMLMapper YAML = new YAMLMapper();

  private JsonNode services;

  @BeforeAll
  void readComposeFileThroughDockerCompose() throws Exception {
    ExternalTool compose = ExternalTool.require("docker-compose", "docker-compose");
    String config = compose.run(Repo.root(), 120, "-f", Repo.COMPOSE, "config").assertSuccess();
    services = YAML.readTree(config).get("services");
    assertNotNull(services, "docker-compose config printed no services:\n" + config);
  }

  static boolean isPinned(String image) {
    return PINNED.matcher(image).matches() && !image.contains(":latest");
  }

  @Test
  void theStackHasTheDemoServicesAndTheObservabilityBackends() {
    TreeSet<String> names = new TreeSet<>();
    services.fieldNames().forEachRemaining(names::add);
    assertEquals(
        new TreeSet<>(Arrays.asList("inventory", "orders", "loadgen", "jaeger", "prometheus", "grafana")), names);
  }

  @Test
  void demoServicesAreBuiltFromTheRepositoryAndGetTheAgentOnlyThroughTheEnvironment() throws Exception {
    DockerfileStages dockerfile = DockerfileStages.parse(Repo.file(Repo.DOCKERFILE));
    String agentInImage = DockerfileBuildTest.imagePathOf(dockerfile, DockerfileBuildTest.AGENT_JAR_NAME);
    String image = null;
    for (String name : DEMO_SERVICES) {
      JsonNode service = services.get(name);
      JsonNode build = service.path("build");
      assertEquals(Repo.root(), Paths.get(build.path("context").asText()).toAbsolutePath().normalize(), name + " build context");
      assertEquals(Repo.DOCKERFILE, build.path("dockerfile").asText(), name + " Dockerfile");
      image = image == null ? service.path("image").asText() : image;
      assertEquals(image, service.path("image").asText(), "one image for the demo services");

      JsonNode env = service.path("environment");
      assertEquals("-javaagent:" + agentInImage, env.path("JAVA_TOOL_OPTIONS").asText(), name + " JAVA_TOOL_OPTIONS");
      assertEquals(name, env.path("GRPCOBS_SERVICE_NAME").asText(), name + " service name");
      assertTrue(
          env.path("OTEL_EXPORTER_OTLP_ENDPOINT").asText().matches("http://jaeger:43(17|18)"),
          name + " exports traces to Jaeger: " + env.path("OTEL_EXPORTER_OTLP_ENDPOINT"));
      String command = service.path("command").toString() + service.path("entrypoint").toString();
      assertFalse(command.contains("javaagent"), name + " must not attach the agent on its command line: " + command);
      assertTrue(command.contains("\"" + name + "\""), name + " runs the demo's " + name + " command: " + command);

      String probe = service.path("healthcheck").path("test").toString();
      String expected = name.equals("loadgen") ? "/health/live" : "/health/ready";
      assertTrue(
          probe.contains(":" + agentPort(service) + expected),
          name + " healthcheck asks the agent's " + expected + ": " + probe);
    }
  }

  @Test
  void backendImagesArePinnedAndHaveHealthchecks() {
    for (String name : Arrays.asList("jaeger", "prometheus", "grafana")) {
      String image = services.get(name).path("image").asText();
      assertTrue(isPinned(image), name + " image not pinned to a version: " + image);
    }
    // Jaeger's image has no shell tools to probe with; everything else must be probed.
    for (String name : Arrays.asList("inventory", "orders", "loadgen", "prometheus", "grafana")) {
      assertFalse(services.get(name).path("healthcheck").path("test").isMissingNode(), name + " has no healthcheck");
    }
  }

  @Test
  void prometheusScrapesEveryDemoServiceWithExemplarsAndLoadsTheShippedRules() throws Exception {
    JsonNode prometheus = services.get("prometheus");
    String command = prometheus.path("command").toString();
    assertTrue(command.contains("--enable-feature=exemplar-storage"), "exemplar storage: " + command);
    assertTrue(command.contains("--config.file=/etc/prometheus/prometheus.yml"), "config file: " + command);
    Map<String, Path> mounts = mounts(prometheus);
    assertEquals(Repo.file(Repo.PROMETHEUS_COMPOSE), mounts.get("/etc/prometheus/prometheus.yml"), "mounted config");

    JsonNode config = YAML.readTree(Repo.read(Repo.PROMETHEUS_COMPOSE));
    List<String> ruleFiles = new ArrayList<>();
    config.path("rule_files").forEach(r -> ruleFiles.add(r.asText()));
    assertEquals(1, ruleFiles.size(), "rule files: " + ruleFiles);
    String ruleTarget = Paths.get("/etc/prometheus").resolve(ruleFiles.get(0)).normalize().toString();
    assertEquals(Repo.file(Repo.RULES), mounts.get(ruleTarget), "the rule file the config names is the shipped one");

    TreeSet<String> scraped = new TreeSet<>();
    for (JsonNode job : config.path("scrape_configs")) {
      for (JsonNode staticConfig : job.path("static_configs")) {
        for (JsonNode target : staticConfig.path("targets")) {
          String[] hostPort = target.asText().split(":");
          JsonNode service = services.get(hostPort[0]);
          assertNotNull(service, "scrape target " + target + " is not a compose service");
          assertEquals(agentPort(service), hostPort[1], "scrape target " + target + " is the agent's port");
          assertEquals(hostPort[0], job.path("job_name").asText(), "one job per service, named after it");
          scraped.add(hostPort[0]);
        }
      }
    }
    assertEquals(new TreeSet<>(DEMO_SERVICES), scraped, "every demo service is scraped");
  }

  @Test
  void grafanaIsProvisionedWithTheRepositorysDataSourcesAndDashboards() throws Exception {
    JsonNode grafana = services.get("grafana");
    Map<String, Path> mounts = mounts(grafana);
    Path provisioning = mounts.get("/etc/grafana/provisioning");
    assertEquals(Repo.root().resolve("dashboards/grafana/provisioning"), provisioning, "provisioning mount");

    JsonNode providers = YAML.readTree(Repo.read(Repo.GRAFANA_DASHBOARD_PROVIDERS)).path("providers");
    assertEquals(1, providers.size(), "dashboard providers");
    String dashboardsIn = providers.get(0).path("options").path("path").asText();
    assertEquals(Repo.root().resolve(Repo.DASHBOARD_DIR), mounts.get(dashboardsIn), "the provider reads the shipped dashboards");
    for (DashboardFile dashboard : DashboardFile.all()) {
      assertTrue(dashboard.path.startsWith(mounts.get(dashboardsIn)), dashboard.name() + " is provisioned");
    }

    String home = grafana.path("environment").path("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH").asText();
    assertTrue(home.startsWith(dashboardsIn + "/"), "home dashboard " + home + " is one of the provisioned ones");
    assertTrue(
        Files.isRegularFile(mounts.get(dashboardsIn).resolve(home.substring(dashboardsIn.length() + 1))),
        "home dashboard " + home + " exists");

    // The data sources point at the compose services, by the uids the dashboards and exemplar links use.
    Map<String, JsonNode> byType = new LinkedHashMap<>();
    for (JsonNode ds : YAML.readTree(Repo.read(Repo.GRAFANA_DATASOURCES)).path("datasources")) {
      byType.put(ds.path("type").asText(), ds);
    }
    JsonNode prometheus = byType.get("prometheus");
    JsonNode jaeger = byType.get("jaeger");
    assertNotNull(prometheus, "a Prometheus data source");
    assertNotNull(jaeger, "a Jaeger data source");
    assertEquals("http://prometheus:9090", prometheus.path("url").asText());
    assertEquals("http://jaeger:16686", jaeger.path("url").asText());
    assertTrue(publishes(services.get("jaeger"), 16686) && publishes(services.get("prometheus"), 9090));
    assertTrue(prometheus.path("isDefault").asBoolean(), "Prometheus is the default data source");
    assertFalse(prometheus.path("uid").asText().isEmpty(), "fixed Prometheus uid");
    JsonNode link = prometheus.path("jsonData").path("exemplarTraceIdDestinations").get(0);
    assertNotNull(link, "exemplar link to Jaeger");
    // trace_id is the exemplar label the agent writes (and Prometheus stores; see StackEndToEndTest).
    assertEquals("trace_id", link.path("name").asText());
    assertEquals(jaeger.path("uid").asText(), link.path("datasourceUid").asText(), "the exemplar link names Jaeger's uid");
  }

  @Test
  void everyPublishedPortIsDocumentedInTheReadme() throws Exception {
    String readme = Repo.read("README.md");
    int start = readme.indexOf("## Demo stack (Docker)");
    assertTrue(start >= 0, "README has a \"Demo stack (Docker)\" section");
    int end = readme.indexOf("\n## ", start + 1);
    String section = end < 0 ? readme.substring(start) : readme.substring(start, end);
    List<String> undocumented = new ArrayList<>();
    services.fields().forEachRemaining(
        e -> {
          for (JsonNode port : e.getValue().path("ports")) {
            String published = port.isObject() ? port.path("published").asText() : port.asText().split(":")[0];
            if (!section.contains(published)) {
              undocumented.add(e.getKey() + ":" + published);
            }
          }
        });
    assertTrue(undocumented.isEmpty(), "published ports missing from the README's demo stack section: " + undocumented);
  }

  private static String agentPort(JsonNode service) {
    String port = service.path("environment").path("GRPCOBS_HTTP_PORT").asText();
    return port.isEmpty() ? "9464" : port;
  }

  private static boolean publishes(JsonNode service, int target) {
    for (JsonNode port : service.path("ports")) {
      String t = port.isObject() ? port.path("target").asText() : port.asText().replaceAll(".*:", "");
      if (t.equals(Integer.toString(target))) {
        return true;
      }
    }
    return false;
  }

  /** Container path to host path of a service's bind mounts (short or long syntax). */
  private static Map<String, Path> mounts(JsonNode service) {
    Map<String, Path> mounts = new LinkedHashMap<>();
    for (JsonNode volume : service.path("volumes")) {
      String source;
      String target;
      if (volume.isObject()) {
        source = volume.path("source").asText();
        target = volume.path("target").asText();
      } else {
        String[] parts = volume.asText().split(":");
        source = parts[0];
        target = parts[1];
      }
      mounts.put(target, Paths.get(source).toAbsolutePath().normalize());
    }
    return mounts;
  }
}
