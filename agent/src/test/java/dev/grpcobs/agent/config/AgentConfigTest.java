package dev.grpcobs.agent.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {

  @TempDir File dir;

  private static Map<String, String> map(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void defaultsApplyWhenNothingIsSet() {
    AgentConfig config = AgentConfig.load(null, map(), map());
    assertEquals(9464, config.integer(ConfigKey.HTTP_PORT, 0, 65535));
    assertEquals("0.0.0.0", config.string(ConfigKey.HTTP_HOST));
    assertTrue(config.bool(ConfigKey.METRICS_ENABLED));
    assertEquals("unknown_service:java", config.serviceName());
    assertEquals(Collections.emptyList(), config.problems());
  }

  @Test
  void agentArgumentsBeatSystemPropertiesWhichBeatEnvironmentWhichBeatsTheFile() throws Exception {
    File file = new File(dir, "agent.properties");
    try (OutputStream out = new FileOutputStream(file)) {
      out.write(("http.port=1111\nhttp.host=10.0.0.1\nservice.name=from-file\ngrpcobs.debug=true\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    AgentConfig config =
        AgentConfig.load(
            "http.port=4444",
            map("grpcobs.http.port", "3333", "grpcobs.http.host", "127.0.0.2"),
            map("GRPCOBS_HTTP_PORT", "2222", "GRPCOBS_HTTP_HOST", "127.0.0.3",
                "GRPCOBS_SERVICE_NAME", "from-env", "GRPCOBS_CONFIG_FILE", file.getPath()));
    assertEquals(4444, config.integer(ConfigKey.HTTP_PORT, 0, 65535));
    assertEquals("127.0.0.2", config.string(ConfigKey.HTTP_HOST));
    assertEquals("from-env", config.serviceName());
    assertTrue(config.bool(ConfigKey.DEBUG), "the file may use the grpcobs. prefix too");
    assertEquals(Collections.emptyList(), config.problems());
  }

  @Test
  void badValuesNameTheKeyTheSourceAndTheDefaultUsed() {
    AgentConfig config =
        AgentConfig.load(
            "metrics.enabled=maybe",
            map("grpcobs.http.port", "abc", "grpcobs.metrics.latency.buckets", "0.1,0.05"),
            map());
    assertEquals(9464, config.integer(ConfigKey.HTTP_PORT, 0, 65535));
    assertTrue(config.bool(ConfigKey.METRICS_ENABLED));
    assertEquals(0.0001, config.ascendingPositiveNumbers(ConfigKey.METRICS_LATENCY_BUCKETS)[0]);
    List<String> problems = config.problems();
    assertEquals(3, problems.size(), problems.toString());
    assertEquals(
        "invalid value 'abc' for http.port (from system property grpcobs.http.port): expected a"
            + " whole number from 0 to 65535; using the default 9464",
        problems.get(0));
    assertTrue(problems.get(1).startsWith("invalid value 'maybe' for metrics.enabled (from agent argument metrics.enabled)"));
    assertTrue(problems.get(2).contains("metrics.latency.buckets"), problems.get(2));
  }

  @Test
  void outOfRangeNumbersAreRejected() {
    AgentConfig config = AgentConfig.load("http.port=70000", map(), map());
    assertEquals(9464, config.integer(ConfigKey.HTTP_PORT, 0, 65535));
    assertTrue(config.problems().get(0).contains("expected a whole number from 0 to 65535"));
  }

  @Test
  void unknownKeysAndMalformedArgumentsAreReportedAndIgnored() {
    AgentConfig config =
        AgentConfig.load(
            "justaword,http.prot=1",
            map("grpcobs.nosuch", "x", "unrelated.property", "y"),
            map("GRPCOBS_TYPO", "1", "PATH", "/bin"));
    List<String> problems = config.problems();
    assertTrue(problems.contains("unknown configuration key agent argument http.prot; ignored"), problems.toString());
    assertTrue(problems.contains("agent argument 'justaword' is not key=value; ignored"), problems.toString());
    assertTrue(problems.contains("unknown configuration key system property grpcobs.nosuch; ignored"), problems.toString());
    assertTrue(problems.contains("unknown configuration key environment variable GRPCOBS_TYPO; ignored"), problems.toString());
    assertEquals(4, problems.size(), problems.toString());
  }

  @Test
  void anUnreadableConfigFileIsReportedAndSkipped() {
    AgentConfig config = AgentConfig.load("config.file=/nonexistent/agent.properties", map(), map());
    assertEquals(1, config.problems().size());
    assertTrue(config.problems().get(0).startsWith("cannot read config.file '/nonexistent/agent.properties'"));
    assertEquals(9464, config.integer(ConfigKey.HTTP_PORT, 0, 65535));
  }

  @Test
  void serviceNameFallsBackToOpenTelemetrySettings() {
    assertEquals("otel-prop",
        AgentConfig.load(null, map("otel.service.name", "otel-prop"), map("OTEL_SERVICE_NAME", "otel-env")).serviceName());
    assertEquals("otel-env", AgentConfig.load(null, map(), map("OTEL_SERVICE_NAME", "otel-env")).serviceName());
    assertEquals("own", AgentConfig.load("service.name=own", map(), map("OTEL_SERVICE_NAME", "x")).serviceName());
  }

  @Test
  void listValuesKeepTheirCommasInAgentArguments() {
    AgentConfig config =
        AgentConfig.load("metrics.latency.buckets=0.01, 0.1 ,1,http.port=1234", map(), map());
    assertArrayEquals(new double[] {0.01, 0.1, 1}, config.ascendingPositiveNumbers(ConfigKey.METRICS_LATENCY_BUCKETS));
    assertEquals(1234, config.integer(ConfigKey.HTTP_PORT, 0, 65535));
    assertFalse(config.problems().iterator().hasNext());
  }

  @Test
  void everyKeyIsDocumentedInTheReadmeTable() throws Exception {
    File readme = new File(System.getProperty("user.dir"), "../README.md");
    String text = new String(Files.readAllBytes(readme.toPath()), StandardCharsets.UTF_8);
    for (ConfigKey key : ConfigKey.values()) {
      String row = "| `" + key.key() + "` | `" + key.environmentVariable() + "` |";
      assertTrue(text.contains(row), "README documents " + key.key() + " as: " + row);
      String defaultCell = key.defaultValue().isEmpty() ? "" : "`" + key.defaultValue() + "`";
      assertTrue(text.contains(row + " " + defaultCell + " |"), "README gives the default of " + key.key());
    }
  }
}
