package dev.grpcobs.it.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Files of the repository under test: the shipped dashboards, rules, compose file and jars. */
final class Repo {

  private Repo() {}

  static Path root() {
    String root = System.getProperty("repo.root");
    if (root == null || !Files.isDirectory(Paths.get(root, "dashboards"))) {
      throw new IllegalStateException("system property repo.root must name the repository root, got " + root);
    }
    return Paths.get(root).toAbsolutePath().normalize();
  }

  static Path file(String relative) {
    Path path = root().resolve(relative);
    if (!Files.isRegularFile(path)) {
      throw new AssertionError(relative + " is missing from the repository (" + path + ")");
    }
    return path;
  }

  static String read(String relative) throws IOException {
    return new String(Files.readAllBytes(file(relative)), StandardCharsets.UTF_8);
  }

  /** The shipped alert and recording rules. */
  static final String RULES = "dashboards/grpc-alerts.yml";

  /** Unit tests of the shipped rules, for {@code promtool test rules}. */
  static final String RULE_TESTS = "dashboards/grpc-alerts.test.yml";

  static final String PROMETHEUS_LOCAL = "dashboards/prometheus.yml";
  static final String PROMETHEUS_COMPOSE = "dashboards/prometheus-compose.yml";
  static final String DASHBOARD_DIR = "dashboards/grafana";
  static final String GRAFANA_DATASOURCES = "dashboards/grafana/provisioning/datasources/datasources.yml";
  static final String GRAFANA_DASHBOARD_PROVIDERS = "dashboards/grafana/provisioning/dashboards/dashboards.yml";
  static final String COMPOSE = "docker-compose.yml";
  static final String DOCKERFILE = "Dockerfile";
  static final String DOCKERIGNORE = ".dockerignore";

  /** The demo shop's runnable jar the tests start (built by the demo-app module). */
  static Path demoJar() {
    return builtJar("demo.jar", "demo-app");
  }

  /** The agent jar the tests attach (built by the agent module). */
  static Path agentJar() {
    return builtJar("agent.jar", "agent");
  }

  private static Path builtJar(String property, String module) {
    String jar = System.getProperty(property);
    if (jar == null || !Files.isRegularFile(Paths.get(jar))) {
      throw new IllegalStateException(
          property + " not found at " + jar + "; build it first: mvn -B -DskipTests install -pl " + module + " -am");
    }
    return Paths.get(jar).toAbsolutePath().normalize();
  }
}
