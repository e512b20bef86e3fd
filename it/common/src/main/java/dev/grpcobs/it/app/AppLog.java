package dev.grpcobs.it.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The test application's own log lines, through its own SLF4J and whatever logging configuration
 * it has. Only loaded when the application is told to log, so the application runs without SLF4J
 * on its class path too.
 */
final class AppLog {

  /** Configured in the application's logback.xml with the MDC keys the agent fills in. */
  static final String LOGGER = "scenario";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private AppLog() {}

  static void info(String text) {
    LOG.info(text);
  }
}
