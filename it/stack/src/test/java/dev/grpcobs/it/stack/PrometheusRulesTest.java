package dev.grpcobs.it.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped rules and Prometheus configurations checked by promtool (the Debian package's, the
 * same version as the Prometheus the end-to-end test runs): syntax, the rule unit tests with
 * production windows, and the time-compressed copy the end-to-end test loads.
 */
class PrometheusRulesTest {

  private static final Pattern RULES_FOUND = Pattern.compile("SUCCESS: (\\d+) rules found");

  @Test
  void shippedRulesPassPromtoolCheck() throws Exception {
    ExternalTool promtool = ExternalTool.require("promtool", "prometheus");
    String output = promtool.run(Repo.root(), 60, "check", "rules", Repo.RULES).assertSuccess();
    assertEquals(RuleFile.parse(Repo.read(Repo.RULES)).size(), rulesFound(output), output);
  }

  @Test
  void shippedRulesPassTheirUnitTestsWithProductionWindows() throws Exception {
    ExternalTool promtool = ExternalTool.require("promtool", "prometheus");
    String output = promtool.run(Repo.root(), 120, "test", "rules", Repo.RULE_TESTS).assertSuccess();
    assertTrue(output.contains("SUCCESS"), output);
    // Every alert has at least one unit test that expects it to fire.
    String tests = Repo.read(Repo.RULE_TESTS);
    for (RuleFile.Rule rule : RuleFile.parse(Repo.read(Repo.RULES))) {
      if (rule.alert) {
        assertTrue(
            Pattern.compile("alertname: " + rule.name + "\\s+exp_alerts:\\s+- exp_labels").matcher(tests).find(),
            rule.name + " has no unit test in which it fires");
      }
    }
  }

  @Test
  void promtoolRejectsABrokenRule() throws Exception {
    // The check above can fail: the same promtool refuses an expression that does not parse.
    ExternalTool promtool = ExternalTool.require("promtool", "prometheus");
    Path broken = Files.createTempFile("broken-rules", ".yml");
    try {
      String rules = Repo.read(Repo.RULES).replaceFirst("sum by \\(job, grpc_service\\) \\(rate\\(", "sum by (job, grpc_service) (rate((");
      Files.write(broken, rules.getBytes(StandardCharsets.UTF_8));
      ExternalTool.Result result = promtool.run(Repo.root(), 60, "check", "rules", broken.toString());
      assertNotEquals(0, result.exitCode, "promtool accepted a broken rule file:\n" + result.output);
    } finally {
      Files.delete(broken);
    }
  }

  @Test
  void bothPrometheusConfigurationsPassPromtoolAndLoadTheShippedRules() throws Exception {
    ExternalTool promtool = ExternalTool.require("promtool", "prometheus");
    int shipped = RuleFile.parse(Repo.read(Repo.RULES)).size();
    for (String config : Arrays.asList(Repo.PROMETHEUS_LOCAL, Repo.PROMETHEUS_COMPOSE)) {
      String output = promtool.run(Repo.root(), 60, "check", "config", config).assertSuccess();
      assertTrue(output.contains("SUCCESS: 1 rule files found"), config + ":\n" + output);
      assertTrue(output.contains(Repo.RULES), config + " loads " + Repo.RULES + ":\n" + output);
      assertEquals(shipped, rulesFound(output), config + ":\n" + output);
    }
  }

  @Test
  void theCompressedCopyOnlyShortensWindowsAndStillPassesPromtool() throws Exception {
    String rules = Repo.read(Repo.RULES);
    int factor = 20;
    String compressed = RuleTimeCompression.compress(rules, factor);
    List<RuleFile.Rule> before = RuleFile.parse(rules);
    List<RuleFile.Rule> after = RuleFile.parse(compressed);
    assertEquals(before.size(), after.size());
    for (int i = 0; i < before.size(); i++) {
      RuleFile.Rule a = before.get(i);
      RuleFile.Rule b = after.get(i);
      assertEquals(a.name, b.name);
      assertEquals(withoutWindows(a.expr), withoutWindows(b.expr), a + ": only windows may change");
      List<Long> windowsA = windows(a.expr);
      List<Long> windowsB = windows(b.expr);
      assertEquals(windowsA.size(), windowsB.size(), a + " windows");
      for (int w = 0; w < windowsA.size(); w++) {
        assertEquals(windowsA.get(w) / factor, (long) windowsB.get(w), a + " window " + w);
      }
      if (a.forDuration != null) {
        assertNotNull(b.forDuration);
        assertEquals(
            RuleTimeCompression.millis(a.forDuration) / factor, RuleTimeCompression.millis(b.forDuration), a + " for:");
      }
    }
    ExternalTool promtool = ExternalTool.require("promtool", "prometheus");
    Path copy = Files.createTempFile("grpc-alerts-compressed", ".yml");
    try {
      Files.write(copy, compressed.getBytes(StandardCharsets.UTF_8));
      String output = promtool.run(Repo.root(), 60, "check", "rules", copy.toString()).assertSuccess();
      assertEquals(before.size(), rulesFound(output), output);
    } finally {
      Files.delete(copy);
    }
  }

  @Test
  void ruleMetricNamesAreFoundInExpressions() {
    // The helper the end-to-end test uses to check every rule reads metrics that exist.
    assertEquals(
        new LinkedHashSet<>(Arrays.asList("grpc_server_handled_total", "job:ratio:rate5m", "up")),
        RuleFile.metricNames(
            "sum by (job, grpc_code) (rate(grpc_server_handled_total{grpc_code=~\"Un.*\"}[5m]))"
                + " / on (job) group_left () job:ratio:rate5m > 0.05 and up == 1 or histogram_quantile(0.9, up)"));
  }

  private static final Pattern WINDOW = Pattern.compile("\\[([^\\]]+)\\]");

  private static String withoutWindows(String expr) {
    return WINDOW.matcher(expr).replaceAll("[]");
  }

  private static List<Long> windows(String expr) {
    List<Long> windows = new java.util.ArrayList<>();
    Matcher m = WINDOW.matcher(expr);
    while (m.find()) {
      windows.add(RuleTimeCompression.millis(m.group(1)));
    }
    return windows;
  }

  private static int rulesFound(String promtoolOutput) {
    Matcher m = RULES_FOUND.matcher(promtoolOutput);
    assertTrue(m.find(), "no rule count in:\n" + promtoolOutput);
    return Integer.parseInt(m.group(1));
  }
}
