package dev.grpcobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcobs.it.app.ChildLoaderLauncher;
import dev.grpcobs.it.app.ScenarioApp;
import dev.grpcobs.it.harness.ForkedApp;
import dev.grpcobs.it.harness.Poll;
import dev.grpcobs.it.harness.Scrape;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the agent starts in less friendly places: gRPC in a child class loader, bad configuration,
 * a taken port, the agent switched off. In every case the application must run.
 */
public abstract class StartupSuite {

  private static final List<String> ONE_SERVER = Collections.singletonList("grpc");
  private static final String[] UNARY = {
    "grpc_type", "unary", "grpc_service", "test.Echo", "grpc_method", "Unary"
  };

  private static ForkedApp startScenario(List<String> jvmOptions) throws Exception {
    ForkedApp app =
        ForkedApp.start(jvmOptions, ForkedApp.appClasspath(), ScenarioApp.class.getName(), ONE_SERVER);
    app.awaitLine(line -> line.equals("ready"), 60);
    return app;
  }

  private static List<String> agentWarnings(ForkedApp app) {
    List<String> warnings = new java.util.ArrayList<>();
    for (String line : app.stderr()) {
      if (line.startsWith("[grpc-observability-agent] WARNING")) {
        warnings.add(line);
      }
    }
    return warnings;
  }

  @Test
  void instrumentsGrpcLoadedByAChildClassLoader() throws Exception {
    List<String> args = Arrays.asList(ForkedApp.appClasspath(), ScenarioApp.class.getName(), "grpc");
    try (ForkedApp app =
        ForkedApp.start(
            ForkedApp.withAgent("http.port=0,http.host=127.0.0.1"),
            ForkedApp.testAppEntry(),
            ChildLoaderLauncher.class.getName(),
            args)) {
      app.awaitLine(line -> line.equals("launcher grpc-on-system-class-path=false"), 60);
      app.awaitLine(line -> line.equals("ready"), 60);
      assertEquals("result OK 1", app.send("call forAddress grpc Unary 0 ok"));
      int port = app.agentPort();
      Scrape s = Poll.until(() -> Scrape.of(port), x -> x.sum("grpc_server_handled_total", UNARY) >= 1, 20);
      assertEquals(1, s.sum("grpc_server_started_total", UNARY));
      assertEquals(1, s.sum("grpc_server_handled_total", UNARY));
      assertEquals(1, s.sum("grpc_client_handled_total", UNARY));
      assertEquals(Collections.emptyList(), agentWarnings(app));
    }
  }

  @Test
  void attachesToARunningJvm() throws Exception {
    try (ForkedApp app =
        ForkedApp.start(
            Collections.<String>emptyList(),
            ForkedApp.appClasspath(),
            ScenarioApp.class.getName(),
            ONE_SERVER)) {
      String pid = app.awaitLine(line -> line.startsWith("pid "), 60).substring(4);
      app.awaitLine(line -> line.equals("ready"), 60);
      attach(pid, ForkedApp.agentJar(), "http.port=0,http.host=127.0.0.1");
      int port = app.agentPort();
      assertTrue(app.stderr().toString().contains("attached to a running JVM"), app.stderr().toString());
      // The server was built before the agent arrived; the channel is built after it.
      assertEquals("result OK 1", app.send("call forAddress grpc Unary 0 ok"));
      Scrape s = Poll.until(() -> Scrape.of(port), x -> x.sum("grpc_client_handled_total", UNARY) >= 1, 20);
      assertEquals(1, s.sum("grpc_client_started_total", UNARY));
      assertEquals(1, s.sum("grpc_client_handled_total", UNARY));
      assertEquals(Collections.emptyList(), agentWarnings(app));
    }
  }

  /** The JDK's attach API, reached reflectively so this code still compiles for Java 8. */
  private static void attach(String pid, String agentJar, String options) throws Exception {
    Class<?> vmType = Class.forName("com.sun.tools.attach.VirtualMachine");
    Object vm = vmType.getMethod("attach", String.class).invoke(null, pid);
    try {
      vmType.getMethod("loadAgent", String.class, String.class).invoke(vm, agentJar, options);
    } finally {
      vmType.getMethod("detach").invoke(vm);
    }
  }

  @Test
  void theAgentMakesTheJvmWarnAboutNothing() throws Exception {
    try (ForkedApp app = startScenario(ForkedApp.withAgent("http.port=0,http.host=127.0.0.1"))) {
      assertEquals("result OK 1", app.send("call grpc grpc Unary 0 ok"));
      for (String line : app.stderr()) {
        // e.g. "sun.misc.Unsafe::... has been called by dev.grpcobs..." on recent JDKs
        assertFalse(line.contains("dev.grpcobs") || line.contains("grpc-observability-agent.jar"), line);
      }
    }
  }

  @Test
  void badConfigurationIsReportedByKeyAndTheAgentCarriesOn() throws Exception {
    try (ForkedApp app =
        startScenario(
            ForkedApp.withAgent(
                "http.port=0,http.host=127.0.0.1",
                "-Dgrpcobs.metrics.max.methods=lots",
                "-Dgrpcobs.no.such.key=1"))) {
      List<String> warnings = agentWarnings(app);
      assertTrue(
          warnings.contains(
              "[grpc-observability-agent] WARNING: invalid value 'lots' for metrics.max.methods"
                  + " (from system property grpcobs.metrics.max.methods): expected a whole number"
                  + " from 1 to 1000000; using the default 1000"),
          warnings.toString());
      assertTrue(
          warnings.contains(
              "[grpc-observability-agent] WARNING: unknown configuration key system property"
                  + " grpcobs.no.such.key; ignored"),
          warnings.toString());
      assertEquals("result OK 1", app.send("call grpc grpc Unary 0 ok"));
      int port = app.agentPort();
      Scrape s = Poll.until(() -> Scrape.of(port), x -> x.sum("grpc_server_handled_total", UNARY) >= 1, 20);
      assertEquals(1, s.sum("grpc_client_handled_total", UNARY));
    }
  }

  @Test
  void aTakenPortCostsTheEndpointNotTheApplication() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      try (ForkedApp app =
          startScenario(ForkedApp.withAgent("http.port=" + port + ",http.host=127.0.0.1"))) {
        assertEquals("result OK 1", app.send("call grpc grpc Unary 0 ok"));
        List<String> warnings = agentWarnings(app);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(
            warnings.get(0).startsWith(
                "[grpc-observability-agent] WARNING: metrics endpoint disabled, the application"
                    + " runs on: cannot listen on 127.0.0.1:" + port),
            warnings.get(0));
      }
    }
  }

  @Test
  void switchedOffTheAgentLeavesGrpcAlone() throws Exception {
    try (ForkedApp app = startScenario(ForkedApp.withAgent("enabled=false,http.port=0"))) {
      assertEquals("result OK 1", app.send("call grpc grpc Unary 0 ok"));
      assertTrue(
          app.stderr().contains("[grpc-observability-agent] disabled by configuration (enabled=false)"),
          app.stderr().toString());
      assertFalse(app.stderr().toString().contains("metrics at http"));
    }
  }

  @Test
  void environmentVariablesConfigureTheAgent() throws Exception {
    try (ForkedApp app =
        ForkedApp.start(
            ForkedApp.withAgent(""),
            ForkedApp.appClasspath(),
            ScenarioApp.class.getName(),
            ONE_SERVER,
            envOf("GRPCOBS_SERVICE_NAME", "from-env", "GRPCOBS_HTTP_PORT", "0",
                "GRPCOBS_HTTP_HOST", "127.0.0.1"))) {
      app.awaitLine(line -> line.equals("ready"), 60);
      Scrape s = Scrape.of(app.agentPort());
      assertTrue(s.has("grpcobs_agent_info", "service_name", "from-env"), s.body());
    }
  }

  private static java.util.Map<String, String> envOf(String... kv) {
    java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return env;
  }
}
