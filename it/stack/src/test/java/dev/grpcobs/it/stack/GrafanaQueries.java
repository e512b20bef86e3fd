package dev.grpcobs.it.stack;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a dashboard's PromQL into what Grafana sends to Prometheus: template variables resolved
 * against the live Prometheus in dashboard order (each {@code label_values(...)} query asked
 * through the label values API, with the variables before it already substituted), then
 * interpolated the way Grafana's Prometheus data source does, and the built-in interval variables
 * replaced by the values Grafana computes.
 */
final class GrafanaQueries {

  private static final Pattern LABEL_VALUES =
      Pattern.compile("^\\s*label_values\\((?:(.*),\\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)\\s*$", Pattern.DOTALL);
  private static final Pattern LEFTOVER = Pattern.compile("\\$\\{?[a-zA-Z_]\\w*|\\[\\[\\w+\\]\\]");

  private final PrometheusServer prometheus;
  private final long start;
  private final long end;
  private final long stepSeconds;
  private final long scrapeIntervalSeconds;

  GrafanaQueries(PrometheusServer prometheus, long start, long end, long stepSeconds, long scrapeIntervalSeconds) {
    this.prometheus = prometheus;
    this.start = start;
    this.end = end;
    this.stepSeconds = stepSeconds;
    this.scrapeIntervalSeconds = scrapeIntervalSeconds;
  }

  long start() {
    return start;
  }

  long end() {
    return end;
  }

  long step() {
    return stepSeconds;
  }

  /**
   * The value of every query variable of {@code dashboard}, as Grafana would substitute it on
   * opening: a multi-value variable set to All becomes the regex alternation of every real value,
   * a single-value one the first value in its sort order. Fails if a variable finds no values.
   */
  Map<String, String> resolveVariables(DashboardFile dashboard) throws Exception {
    Map<String, String> values = new LinkedHashMap<>();
    for (JsonNode variable : dashboard.variables()) {
      String name = variable.path("name").asText();
      String type = variable.path("type").asText();
      if ("datasource".equals(type)) {
        continue; // chooses the data source; never appears inside PromQL
      }
      if (!"query".equals(type)) {
        throw new AssertionError(dashboard.name() + ": variable " + name + " of type " + type + " is not handled");
      }
      String query = interpolate(DashboardFile.variableQuery(variable), values);
      Matcher m = LABEL_VALUES.matcher(query);
      if (!m.matches()) {
        throw new AssertionError(dashboard.name() + ": variable " + name + " is not a label_values query: " + query);
      }
      List<String> found = new ArrayList<>(prometheus.labelValues(m.group(2), m.group(1), start, end));
      if (found.isEmpty()) {
        throw new AssertionError(dashboard.name() + ": variable " + name + " has no values: " + query);
      }
      if (variable.path("sort").asInt() == 1) {
        found.sort(Comparator.naturalOrder());
      }
      boolean multi = variable.path("multi").asBoolean() || variable.path("includeAll").asBoolean();
      if (multi) {
        List<String> escaped = new ArrayList<>();
        for (String value : found) {
          escaped.add(regexEscape(value));
        }
        values.put(name, "(" + String.join("|", escaped) + ")");
      } else {
        values.put(name, found.get(0));
      }
    }
    return values;
  }

  /** {@code expr} with dashboard and built-in variables replaced; fails on any variable left. */
  String interpolate(String expr, Map<String, String> variables) {
    Map<String, String> all = new LinkedHashMap<>(builtIns());
    all.putAll(variables);
    List<String> names = new ArrayList<>(all.keySet());
    // Longest first, so $__rate_interval is not read as $__range plus a rest.
    names.sort(Comparator.comparingInt(String::length).reversed());
    String out = expr;
    for (String name : names) {
      String value = all.get(name);
      out = out.replace("${" + name + "}", value).replace("[[" + name + "]]", value).replace("$" + name, value);
    }
    Matcher leftover = LEFTOVER.matcher(out);
    if (leftover.find()) {
      throw new AssertionError("unknown variable " + leftover.group() + " in " + expr);
    }
    return out;
  }

  /** Grafana's built-ins for a range query of [start, end] with the given step. */
  private Map<String, String> builtIns() {
    long interval = stepSeconds;
    long rateInterval = Math.max(interval + scrapeIntervalSeconds, 4 * scrapeIntervalSeconds);
    long range = end - start;
    Map<String, String> builtIns = new LinkedHashMap<>();
    builtIns.put("__rate_interval", rateInterval + "s");
    builtIns.put("__interval_ms", Long.toString(interval * 1000));
    builtIns.put("__interval", interval + "s");
    builtIns.put("__range_ms", Long.toString(range * 1000));
    builtIns.put("__range_s", Long.toString(range));
    builtIns.put("__range", range + "s");
    return builtIns;
  }

  /** As Grafana's Prometheus data source escapes each value of a multi-value variable. */
  static String regexEscape(String value) {
    StringBuilder out = new StringBuilder();
    for (char c : value.toCharArray()) {
      if (c == '\\') {
        out.append("\\\\\\\\");
        continue;
      }
      if ("$^*+?.()|{}[]'".indexOf(c) >= 0) {
        out.append("\\\\");
      }
      out.append(c);
    }
    return out.toString();
  }
}
