package dev.grpcobs.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The agent's version, stamped into {@code agent.properties} at build time. */
public final class AgentVersion {

  private static final String NUMBER = read();

  private AgentVersion() {}

  /** For messages: {@code grpc-observability-agent 1.2.3}. */
  public static String get() {
    return "grpc-observability-agent " + NUMBER;
  }

  /** Just the version number. */
  public static String number() {
    return NUMBER;
  }

  private static String read() {
    Properties properties = new Properties();
    try (InputStream in = AgentVersion.class.getResourceAsStream("agent.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      // an unknown version is not worth failing the agent for
    }
    return properties.getProperty("version", "unknown");
  }
}
