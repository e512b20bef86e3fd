package dev.grpcobs.exporter.logs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.core.util.FileSize;
import dev.grpcobs.exporter.metrics.GrpcStatusCodes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the request log writes and where. Values are checked by the static {@code check*} methods
 * (each returns null or a message fit for the user) before they are set.
 */
public final class LogSettings {

  /** Request headers that are never logged, whatever the allow-list says. */
  static final List<String> SECRET_HEADERS =
      Collections.unmodifiableList(
          Arrays.asList("authorization", "proxy-authorization", "cookie", "set-cookie"));

  private String serviceName = "unknown_service:java";
  private Path file;
  private String maxFileSize = "100MB";
  private int maxHistoryDays = 7;
  private String totalSizeCap = "1GB";
  private boolean compress = true;
  private int queueSize = 8192;
  private Level okLevel = Level.INFO;
  private Level clientErrorLevel = Level.WARN;
  private Level serverErrorLevel = Level.ERROR;
  private final Map<Integer, Level> codeLevels = new HashMap<>();
  private boolean errorsOnly;
  private long minDurationMillis;
  private double sampleRatio = 1.0;
  private List<String> excludedMethods =
      Collections.singletonList("grpc.health.v1.Health/*");
  private List<String> metadataKeys = Collections.emptyList();
  private int maxValueLength = 1024;

  public LogSettings serviceName(String name) {
    this.serviceName = name;
    return this;
  }

  /** Where lines go: a file with rolling, or null for standard output. */
  public LogSettings file(Path path) {
    this.file = path;
    return this;
  }

  /** Size at which the file rolls over, e.g. {@code 100MB}; see {@link #checkFileSize}. */
  public LogSettings maxFileSize(String size) {
    this.maxFileSize = size;
    return this;
  }

  /** Days of rolled files kept. */
  public LogSettings maxHistoryDays(int days) {
    this.maxHistoryDays = days;
    return this;
  }

  /** Total size of rolled files kept, e.g. {@code 1GB}; see {@link #checkFileSize}. */
  public LogSettings totalSizeCap(String size) {
    this.totalSizeCap = size;
    return this;
  }

  /** Whether rolled files are gzipped (more history within the cap, CPU time at each roll). */
  public LogSettings compress(boolean gzip) {
    this.compress = gzip;
    return this;
  }

  /** Lines waiting to be written before further ones are dropped (and counted). */
  public LogSettings queueSize(int size) {
    this.queueSize = size;
    return this;
  }

  /** Levels of OK calls, client errors and server errors; see {@link #checkLevel}. */
  public LogSettings levels(String ok, String clientError, String serverError) {
    this.okLevel = Level.toLevel(ok, Level.INFO);
    this.clientErrorLevel = Level.toLevel(clientError, Level.WARN);
    this.serverErrorLevel = Level.toLevel(serverError, Level.ERROR);
    return this;
  }

  /** One status code's level ({@code NOT_FOUND:INFO}); see {@link #checkCodeLevel}. */
  public LogSettings codeLevel(String codeAndLevel) {
    int colon = codeAndLevel.indexOf(':');
    codeLevels.put(
        GrpcStatusCodes.code(codeAndLevel.substring(0, colon).trim()),
        Level.toLevel(codeAndLevel.substring(colon + 1).trim()));
    return this;
  }

  /** Only calls that did not end OK are logged. */
  public LogSettings errorsOnly(boolean only) {
    this.errorsOnly = only;
    return this;
  }

  /** OK calls faster than this are not logged (0: all are). */
  public LogSettings minDurationMillis(long millis) {
    this.minDurationMillis = millis;
    return this;
  }

  /** Share of the OK calls logged, 0 to 1; failed calls are always logged. */
  public LogSettings sampleRatio(double ratio) {
    this.sampleRatio = ratio;
    return this;
  }

  /** {@code pkg.Service/Method} or {@code pkg.Service/*} patterns of methods never logged. */
  public LogSettings excludedMethods(List<String> patterns) {
    this.excludedMethods = new ArrayList<>(patterns);
    return this;
  }

  /** Request headers logged by value; see {@link #checkMetadataKey}. */
  public LogSettings metadataKeys(List<String> keys) {
    List<String> lower = new ArrayList<>();
    for (String key : keys) {
      String k = key.trim().toLowerCase(Locale.ROOT);
      if (checkMetadataKey(k) == null && !lower.contains(k)) {
        lower.add(k);
      }
    }
    this.metadataKeys = lower;
    return this;
  }

  /** Longest status description or header value written, in characters. */
  public LogSettings maxValueLength(int length) {
    this.maxValueLength = length;
    return this;
  }

  // ---- checks -------------------------------------------------------------------------------

  public static String checkLevel(String level) {
    String upper = level.trim().toUpperCase(Locale.ROOT);
    if (Arrays.asList("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(upper)) {
      return null;
    }
    return "level '" + level + "' is not one of TRACE, DEBUG, INFO, WARN, ERROR";
  }

  public static String checkCodeLevel(String codeAndLevel) {
    int colon = codeAndLevel.indexOf(':');
    if (colon < 0) {
      return "'" + codeAndLevel + "' is not CODE:LEVEL (e.g. NOT_FOUND:INFO)";
    }
    String code = codeAndLevel.substring(0, colon).trim();
    if (GrpcStatusCodes.code(code) < 0) {
      return "'" + code + "' is not a gRPC status code name (e.g. NOT_FOUND)";
    }
    return checkLevel(codeAndLevel.substring(colon + 1));
  }

  public static String checkFileSize(String size) {
    try {
      FileSize.valueOf(size.trim());
      return null;
    } catch (IllegalArgumentException e) {
      return "size '" + size + "' is not a number with KB, MB or GB (e.g. 100MB)";
    }
  }

  public static String checkSampleRatio(String ratio) {
    try {
      double parsed = Double.parseDouble(ratio.trim());
      if (parsed >= 0 && parsed <= 1) {
        return null;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    return "'" + ratio + "' is not a number from 0 to 1";
  }

  /** Secrets (credentials, cookies) and binary headers are refused. */
  public static String checkMetadataKey(String key) {
    String k = key.trim().toLowerCase(Locale.ROOT);
    if (k.isEmpty()) {
      return "empty header name";
    }
    if (SECRET_HEADERS.contains(k)) {
      return "header '" + k + "' carries credentials and is never logged";
    }
    if (k.endsWith("-bin")) {
      return "header '" + k + "' is binary (-bin) and is never logged";
    }
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
          || c == '.')) {
        return "'" + key + "' is not a valid header name";
      }
    }
    return null;
  }

  // ---- getters ------------------------------------------------------------------------------

  String serviceName() {
    return serviceName;
  }

  Path file() {
    return file;
  }

  String maxFileSize() {
    return maxFileSize;
  }

  int maxHistoryDays() {
    return maxHistoryDays;
  }

  String totalSizeCap() {
    return totalSizeCap;
  }

  boolean compress() {
    return compress;
  }

  int queueSize() {
    return queueSize;
  }

  boolean errorsOnly() {
    return errorsOnly;
  }

  long minDurationMillis() {
    return minDurationMillis;
  }

  double sampleRatio() {
    return sampleRatio;
  }

  List<String> excludedMethods() {
    return excludedMethods;
  }

  List<String> metadataKeys() {
    return metadataKeys;
  }

  int maxValueLength() {
    return maxValueLength;
  }

  /** The level of a call that ended with {@code code}. */
  Level levelOf(int code) {
    Level override = codeLevels.get(code);
    if (override != null) {
      return override;
    }
    if (code == 0) {
      return okLevel;
    }
    return GrpcStatusCodes.isServerError(code) ? serverErrorLevel : clientErrorLevel;
  }
}
