package dev.grpcobs.exporter.logs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedFNATP;
import ch.qos.logback.core.rolling.TimeBasedRollingPolicy;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import net.logstash.logback.composite.loggingevent.KeyValuePairsJsonProvider;
import net.logstash.logback.composite.loggingevent.LogLevelJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventFormattedTimestampJsonProvider;
import net.logstash.logback.composite.loggingevent.LoggingEventJsonProviders;
import net.logstash.logback.composite.loggingevent.MessageJsonProvider;
import net.logstash.logback.encoder.LoggingEventCompositeJsonEncoder;
import org.slf4j.event.KeyValuePair;

/**
 * The agent's own logback, configured in code: a private {@link LoggerContext} (no configuration
 * file is ever looked for, nothing is registered with SLF4J, so the application's logging and the
 * agent's never see each other), logstash-logback-encoder writing one JSON object per line, and
 * either a console appender on standard output or a size- and time-rolling file appender.
 * Used from the request log's one writer thread only.
 */
final class LogOutput {

  static final String LOGGER_NAME = "grpcobs.requests";
  static final String TIMESTAMP_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";

  private final LoggerContext context;
  private final Logger logger;
  private final OutputStreamAppender<ILoggingEvent> appender;
  private final String description;

  private LogOutput(
      LoggerContext context, OutputStreamAppender<ILoggingEvent> appender, String description) {
    this.context = context;
    this.logger = context.getLogger(LOGGER_NAME);
    this.appender = appender;
    this.description = description;
  }

  /**
   * Opens the configured output. A file that cannot be written falls back to standard output,
   * with the reason passed to {@code problems}; logback's own later errors (a failed rollover, a
   * full disk) go there too.
   */
  static LogOutput open(LogSettings settings, Consumer<String> problems) {
    LoggerContext context = newContext(problems);
    Path file = settings.file();
    if (file != null) {
      String problem = checkWritable(file);
      if (problem == null) {
        OutputStreamAppender<ILoggingEvent> rolling = rollingFile(context, settings, file);
        if (rolling.isStarted()) {
          return new LogOutput(context, rolling, "request logs to " + file);
        }
        problem = firstError(context);
      }
      problems.accept(
          "logs.file=" + file + ": " + problem + "; request logs go to standard output instead");
    }
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setName("stdout");
    return new LogOutput(context, start(context, console), "request logs to standard output");
  }

  /** Writes to {@code out} (tests: a slow or failing stream). */
  static LogOutput to(OutputStream out, Consumer<String> problems) {
    LoggerContext context = newContext(problems);
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setName("stream");
    appender.setContext(context);
    appender.setOutputStream(out);
    return new LogOutput(context, start(context, appender), "request logs to a stream");
  }

  private static LoggerContext newContext(Consumer<String> problems) {
    LoggerContext context = new LoggerContext();
    context.setName("grpcobs");
    // Set here so nothing ever asks SLF4J (and with it a configuration file) for an adapter.
    context.setMDCAdapter(new LogbackMDCAdapter());
    context
        .getStatusManager()
        .add(
            status -> {
              if (status.getLevel() == Status.ERROR) {
                Throwable cause = status.getThrowable();
                problems.accept(
                    "request log: " + status.getMessage()
                        + (cause == null ? "" : " (" + cause + ")"));
              }
            });
    context.start();
    return context;
  }

  private static String checkWritable(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      new FileOutputStream(file.toFile(), true).close();
      return null;
    } catch (IOException | RuntimeException e) {
      return "cannot write there (" + e + ")";
    }
  }

  private static OutputStreamAppender<ILoggingEvent> rollingFile(
      LoggerContext context, LogSettings settings, Path file) {
    RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
    appender.setContext(context);
    appender.setName("file");
    appender.setFile(file.toString());
    appender.setAppend(true);
    // Rolls daily and by size. The size is looked at once a second rather than logback's default
    // once a minute, so a busy service overshoots the limit by a second's worth of lines at most.
    SizeAndTimeBasedFNATP<ILoggingEvent> trigger = new SizeAndTimeBasedFNATP<>();
    trigger.setContext(context);
    trigger.setMaxFileSize(FileSize.valueOf(settings.maxFileSize()));
    trigger.setCheckIncrement(Duration.buildBySeconds(1));
    TimeBasedRollingPolicy<ILoggingEvent> policy = new TimeBasedRollingPolicy<>();
    policy.setContext(context);
    policy.setParent(appender);
    // logback compresses a rolled file on its own thread when the pattern ends in .gz.
    policy.setFileNamePattern(file + ".%d{yyyy-MM-dd}.%i" + (settings.compress() ? ".gz" : ""));
    policy.setTimeBasedFileNamingAndTriggeringPolicy(trigger);
    policy.setMaxHistory(settings.maxHistoryDays());
    policy.setTotalSizeCap(FileSize.valueOf(settings.totalSizeCap()));
    policy.start();
    appender.setRollingPolicy(policy);
    appender.setTriggeringPolicy(policy);
    return start(context, appender);
  }

  private static <A extends OutputStreamAppender<ILoggingEvent>> A start(
      LoggerContext context, A appender) {
    appender.setContext(context);
    appender.setEncoder(encoder(context));
    // The writer thread flushes whenever it has caught up, not after every line.
    appender.setImmediateFlush(false);
    appender.start();
    return appender;
  }

  private static LoggingEventCompositeJsonEncoder encoder(LoggerContext context) {
    LoggingEventJsonProviders providers = new LoggingEventJsonProviders();
    LoggingEventFormattedTimestampJsonProvider timestamp =
        new LoggingEventFormattedTimestampJsonProvider();
    timestamp.setFieldName("timestamp");
    timestamp.setPattern(TIMESTAMP_PATTERN);
    timestamp.setTimeZone("UTC");
    providers.addTimestamp(timestamp);
    LogLevelJsonProvider level = new LogLevelJsonProvider();
    level.setFieldName("level");
    providers.addLogLevel(level);
    providers.addKeyValuePairs(new KeyValuePairsJsonProvider());
    MessageJsonProvider message = new MessageJsonProvider();
    message.setFieldName("message");
    providers.addMessage(message);

    LoggingEventCompositeJsonEncoder encoder = new LoggingEventCompositeJsonEncoder();
    encoder.setContext(context);
    encoder.setProviders(providers);
    encoder.setFindAndRegisterJacksonModules(false);
    encoder.setLineSeparator("UNIX");
    encoder.start();
    return encoder;
  }

  private static String firstError(LoggerContext context) {
    for (Status status : context.getStatusManager().getCopyOfStatusList()) {
      if (status.getLevel() == Status.ERROR) {
        return status.getMessage();
      }
    }
    return "the file appender did not start";
  }

  /** A line at {@code level} with {@code fields} (in order) and a short human message. */
  ILoggingEvent event(long epochMillis, Level level, String message, List<KeyValuePair> fields) {
    LoggingEvent event = new LoggingEvent(LOGGER_NAME, logger, level, message, null, null);
    event.setTimeStamp(epochMillis);
    event.setKeyValuePairs(fields);
    return event;
  }

  /** Writes one line (buffered); false when the output failed and dropped it. */
  boolean append(ILoggingEvent event) {
    appender.doAppend(event);
    return appender.isStarted();
  }

  /** Pushes buffered lines out. */
  void flush() {
    OutputStream out = appender.getOutputStream();
    if (out != null) {
      try {
        out.flush();
      } catch (IOException | RuntimeException e) {
        // logback has reported the stream's trouble; the next line tries again
      }
    }
  }

  void stop() {
    flush();
    appender.stop();
    context.stop();
  }

  String describe() {
    return description;
  }
}
