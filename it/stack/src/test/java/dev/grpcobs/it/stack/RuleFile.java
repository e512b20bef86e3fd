package dev.grpcobs.it.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The rules of a Prometheus rule file, and the metric names their expressions read. */
final class RuleFile {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Set<String> KEYWORDS =
      new HashSet<>(
          Arrays.asList(
              "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
              "bool", "offset", "inf", "nan"));
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*\\}");
  private static final Pattern RANGES = Pattern.compile("\\[[^\\]]*\\]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\\s*\\()");

  /** One rule: an alert or a recording rule. */
  static final class Rule {
    final String name;
    final boolean alert;
    final String expr;
    final String forDuration;

    Rule(String name, boolean alert, String expr, String forDuration) {
      this.name = name;
      this.alert = alert;
      this.expr = expr;
      this.forDuration = forDuration;
    }

    @Override
    public String toString() {
      return (alert ? "alert " : "record ") + name;
    }
  }

  private RuleFile() {}

  static List<Rule> parse(String yaml) throws IOException {
    JsonNode root = YAML.readTree(yaml);
    List<Rule> rules = new ArrayList<>();
    for (JsonNode group : root.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        boolean alert = rule.has("alert");
        rules.add(
            new Rule(
                alert ? rule.get("alert").asText() : rule.path("record").asText(),
                alert,
                rule.path("expr").asText(),
                rule.has("for") ? rule.get("for").asText() : null));
      }
    }
    return rules;
  }

  /**
   * The metric names (and recorded series names) an expression reads: what is left once strings,
   * label matchers, range windows, grouping clauses, function calls, keywords and numbers are gone.
   */
  static Set<String> metricNames(String expr) {
    String stripped = STRING.matcher(expr).replaceAll(" ");
    stripped = MATCHERS.matcher(stripped).replaceAll(" ");
    stripped = RANGES.matcher(stripped).replaceAll(" ");
    stripped = GROUPING.matcher(stripped).replaceAll(" ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = IDENTIFIER.matcher(stripped);
    while (m.find()) {
      String name = m.group(1);
      if (!KEYWORDS.contains(name.toLowerCase())) {
        names.add(name);
      }
    }
    return names;
  }
}
