package dev.grpcobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcobs.it.app.ScenarioApp;
import dev.grpcobs.it.harness.ForkedApp;
import dev.grpcobs.it.harness.Poll;
import dev.grpcobs.it.harness.Scrape;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An application that carries its own, different versions of Byte Buddy, the Prometheus client,
 * the OpenTelemetry SDK and logback/SLF4J uses them with the agent attached, and neither side
 * sees the other's metrics or logging.
 */
class OwnLibrariesTest {

  private static final Pattern REPORT =
      Pattern.compile(
          "own-libraries bytebuddy=made-by-app-bytebuddy@(\\S+) prometheus-port=(\\d+)"
              + " otel-spans=1 slf4j=ch\\.qos\\.logback\\.classic\\.LoggerContext");

  @Test
  void theApplicationsOwnLibrariesKeepWorking() throws Exception {
    try (ForkedApp app =
        ForkedApp.start(
            ForkedApp.withAgent("http.port=0,http.host=127.0.0.1"),
            ForkedApp.appClasspath(),
            ScenarioApp.class.getName(),
            Arrays.asList("--own-libraries", "grpc"))) {
      String report = app.awaitLine(line -> line.startsWith("own-libraries"), 60);
      Matcher m = REPORT.matcher(report);
      assertTrue(m.matches(), report);
      assertEquals("byte-buddy-1.14.18.jar", m.group(1), "the application's own Byte Buddy");
      app.awaitLine(line -> line.equals("ready"), 60);
      assertTrue(
          app.stdoutSeen().contains("APPLOG INFO OwnLibraries app's own logback says hello"),
          "the application's logback.xml is in charge of its logging: " + app.stdoutSeen());
      assertEquals("result OK 1", app.send("call grpc grpc Unary 0 ok"));

      Scrape own = Scrape.of(Integer.parseInt(m.group(2)));
      assertEquals(3, own.sum("app_own_counter_total"));
      assertFalse(own.body().contains("grpc_server"), "the agent's metrics stay out of the app's registry");

      int agentPort = app.agentPort();
      Scrape agent =
          Poll.until(() -> Scrape.of(agentPort), s -> s.sum("grpc_server_handled_total") >= 1, 20);
      assertEquals(1, agent.sum("grpc_client_handled_total", "grpc_method", "Unary"));
      assertFalse(agent.body().contains("app_own_counter"), "the app's metrics stay out of the agent's");
      for (String line : app.stderr()) {
        assertFalse(line.startsWith("[grpc-observability-agent] WARNING"), line);
      }
    }
  }
}
