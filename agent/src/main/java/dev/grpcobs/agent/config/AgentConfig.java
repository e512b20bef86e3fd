package dev.grpcobs.agent.config;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * The agent's configuration, read once at start-up from (highest precedence first) the agent
 * arguments, {@code grpcobs.*} system properties, {@code GRPCOBS_*} environment variables and the
 * optional properties file. Every problem becomes a message in {@link #problems()} naming the key,
 * where it came from and what the agent did instead; nothing here throws.
 */
public final class AgentConfig {

  private final Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
  private final Map<ConfigKey, String> origins = new EnumMap<>(ConfigKey.class);
  private final List<String> problems = new ArrayList<>();
  private final Map<String, String> systemProperties;
  private final Map<String, String> environment;

  private AgentConfig(Map<String, String> systemProperties, Map<String, String> environment) {
    this.systemProperties = systemProperties;
    this.environment = environment;
  }

  /** Reads the configuration of the running JVM. */
  public static AgentConfig load(String agentArgs) {
    Map<String, String> props = new LinkedHashMap<>();
    for (String name : System.getProperties().stringPropertyNames()) {
      props.put(name, System.getProperty(name));
    }
    return load(agentArgs, props, System.getenv());
  }

  public static AgentConfig load(
      String agentArgs, Map<String, String> systemProperties, Map<String, String> environment) {
    AgentConfig config = new AgentConfig(systemProperties, environment);
    config.read(agentArgs);
    return config;
  }

  private void read(String agentArgs) {
    Map<String, String> fromFile = Collections.emptyMap();
    Map<ConfigKey, String[]> layered = new EnumMap<>(ConfigKey.class);
    layer(layered, fromEnvironment(), "environment variable ");
    layer(layered, fromSystemProperties(), "system property ");
    layer(layered, fromAgentArgs(agentArgs), "agent argument ");
    String[] file = layered.get(ConfigKey.CONFIG_FILE);
    if (file != null && !file[0].trim().isEmpty()) {
      fromFile = fromFile(file[0].trim(), file[1]);
    }
    Map<ConfigKey, String[]> all = new EnumMap<>(ConfigKey.class);
    layer(all, fromFile, "config file entry ");
    for (Map.Entry<ConfigKey, String[]> e : layered.entrySet()) {
      all.put(e.getKey(), e.getValue());
    }
    for (Map.Entry<ConfigKey, String[]> e : all.entrySet()) {
      values.put(e.getKey(), e.getValue()[0].trim());
      origins.put(e.getKey(), e.getValue()[1]);
    }
  }

  private void layer(Map<ConfigKey, String[]> into, Map<String, String> raw, String originKind) {
    for (Map.Entry<String, String> e : raw.entrySet()) {
      ConfigKey key = ConfigKey.byName(e.getKey());
      String origin = originKind + describe(originKind, e.getKey());
      if (key == null) {
        problems.add("unknown configuration key " + origin + "; ignored");
      } else {
        into.put(key, new String[] {e.getValue(), origin});
      }
    }
  }

  private static String describe(String originKind, String key) {
    if (originKind.startsWith("environment")) {
      return ConfigKey.toEnvironmentVariable(key);
    }
    if (originKind.startsWith("system")) {
      return "grpcobs." + key;
    }
    return key;
  }

  /**
   * {@code key=value,key=value}. A piece without {@code =} continues the previous value, so list
   * values keep their commas: {@code metrics.latency.buckets=0.1,0.5,1,http.port=9464}.
   */
  private Map<String, String> fromAgentArgs(String agentArgs) {
    Map<String, String> out = new LinkedHashMap<>();
    if (agentArgs == null || agentArgs.trim().isEmpty()) {
      return out;
    }
    String lastKey = null;
    for (String piece : agentArgs.split(",")) {
      int eq = piece.indexOf('=');
      if (eq > 0) {
        lastKey = piece.substring(0, eq).trim();
        out.put(lastKey, piece.substring(eq + 1));
      } else if (lastKey != null) {
        out.put(lastKey, out.get(lastKey) + "," + piece);
      } else if (!piece.trim().isEmpty()) {
        problems.add("agent argument '" + piece.trim() + "' is not key=value; ignored");
      }
    }
    return out;
  }

  private Map<String, String> fromSystemProperties() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : systemProperties.entrySet()) {
      if (e.getKey().startsWith("grpcobs.")) {
        out.put(e.getKey().substring("grpcobs.".length()), e.getValue());
      }
    }
    return out;
  }

  /** Environment names lose the dots, so they are matched back against the known keys. */
  private Map<String, String> fromEnvironment() {
    Map<String, String> byEnvName = new LinkedHashMap<>();
    for (ConfigKey key : ConfigKey.values()) {
      byEnvName.put(key.environmentVariable(), key.key());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : environment.entrySet()) {
      if (!e.getKey().startsWith("GRPCOBS_")) {
        continue;
      }
      String key = byEnvName.get(e.getKey());
      if (key == null) {
        problems.add("unknown configuration key environment variable " + e.getKey() + "; ignored");
      } else {
        out.put(key, e.getValue());
      }
    }
    return out;
  }

  private Map<String, String> fromFile(String path, String origin) {
    Map<String, String> out = new LinkedHashMap<>();
    Properties properties = new Properties();
    try (InputStream in = new FileInputStream(path)) {
      properties.load(in);
    } catch (IOException e) {
      problems.add(
          "cannot read config.file '" + path + "' (" + origin + "): " + e.getMessage()
              + "; continuing without it");
      return out;
    }
    for (String name : properties.stringPropertyNames()) {
      String key = name.startsWith("grpcobs.") ? name.substring("grpcobs.".length()) : name;
      out.put(key, properties.getProperty(name));
    }
    return out;
  }

  /** Messages for unknown keys and bad values, ready to print; empty when all is well. */
  public List<String> problems() {
    return Collections.unmodifiableList(problems);
  }

  public String string(ConfigKey key) {
    String value = values.get(key);
    return value == null ? key.defaultValue() : value;
  }

  public boolean bool(ConfigKey key) {
    String value = string(key).toLowerCase(Locale.ROOT);
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    return rejected(key, "expected true or false", Boolean.parseBoolean(key.defaultValue()));
  }

  public int integer(ConfigKey key, int min, int max) {
    String value = string(key);
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException notANumber) {
      // reported below
    }
    return rejected(
        key,
        "expected a whole number from " + min + " to " + max,
        Integer.parseInt(key.defaultValue()));
  }

  /**
   * A value {@code check} accepts ({@code check} returns null, or else what is wrong with the
   * value); a refused value is reported and the default used.
   */
  public String checked(ConfigKey key, Function<String, String> check) {
    String value = string(key);
    String problem = check.apply(value);
    return problem == null ? value : rejected(key, problem, key.defaultValue());
  }

  /**
   * The comma-separated items of a list value; items {@code checkItem} refuses are reported one
   * by one and left out, the others kept.
   */
  public List<String> list(ConfigKey key, Function<String, String> checkItem) {
    List<String> items = new ArrayList<>();
    for (String item : string(key).split(",")) {
      String trimmed = item.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      String problem = checkItem.apply(trimmed);
      if (problem == null) {
        items.add(trimmed);
      } else {
        String origin = origins.containsKey(key) ? " (from " + origins.get(key) + ")" : "";
        String message = key.key() + origin + ": " + problem + "; ignored";
        if (!problems.contains(message)) {
          problems.add(message);
        }
      }
    }
    return items;
  }

  /** A strictly ascending list of positive numbers. */
  public double[] ascendingPositiveNumbers(ConfigKey key) {
    double[] parsed = parseAscending(string(key));
    if (parsed != null) {
      return parsed;
    }
    return rejected(
        key, "expected strictly ascending positive numbers separated by commas",
        parseAscending(key.defaultValue()));
  }

  private static double[] parseAscending(String value) {
    String[] parts = value.split(",");
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        return null;
      }
      if (!(out[i] > 0) || Double.isInfinite(out[i]) || (i > 0 && out[i] <= out[i - 1])) {
        return null;
      }
    }
    return out;
  }

  private <T> T rejected(ConfigKey key, String expectation, T fallback) {
    String message =
        "invalid value '" + values.get(key) + "' for " + key.key() + " (from " + origins.get(key)
            + "): " + expectation + "; using the default " + key.defaultValue();
    if (!problems.contains(message)) {
      problems.add(message);
    }
    return fallback;
  }

  /** The service name: our key, then the OpenTelemetry ones, then OpenTelemetry's default. */
  public String serviceName() {
    String own = string(ConfigKey.SERVICE_NAME);
    if (!own.isEmpty()) {
      return own;
    }
    String otel = systemProperties.get("otel.service.name");
    if (otel == null || otel.trim().isEmpty()) {
      otel = environment.get("OTEL_SERVICE_NAME");
    }
    return otel == null || otel.trim().isEmpty() ? "unknown_service:java" : otel.trim();
  }
}
