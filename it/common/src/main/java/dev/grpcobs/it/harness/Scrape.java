package dev.grpcobs.it.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** One scrape of a Prometheus text endpoint, parsed into samples. */
public final class Scrape {

  private final String body;
  private final String contentType;
  private final Map<String, Double> samples = new LinkedHashMap<>();

  private Scrape(String body, String contentType) {
    this.body = body;
    this.contentType = contentType;
    for (String line : body.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      // OpenMetrics may append an exemplar after " # "; the value ends the part before it.
      int exemplar = line.indexOf(" # ");
      String sample = exemplar > 0 ? line.substring(0, exemplar) : line;
      int space = sample.lastIndexOf(' ');
      String series = sample.substring(0, space);
      samples.put(normalize(series), Double.parseDouble(sample.substring(space + 1).trim()));
    }
  }

  public static Scrape of(int port) throws IOException {
    return of(port, "/metrics", null);
  }

  public static Scrape of(int port, String path, String accept) throws IOException {
    HttpURLConnection c =
        (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(10000);
    if (accept != null) {
      c.setRequestProperty("Accept", accept);
    }
    try (InputStream in = c.getInputStream()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[16384];
      int n;
      while ((n = in.read(buffer)) != -1) {
        out.write(buffer, 0, n);
      }
      return new Scrape(new String(out.toByteArray(), StandardCharsets.UTF_8), c.getContentType());
    } finally {
      c.disconnect();
    }
  }

  public String body() {
    return body;
  }

  public String contentType() {
    return contentType;
  }

  /**
   * Sum of every sample of {@code name} whose labels include all of {@code labels}
   * ({@code "k", "v", "k2", "v2"}); 0 if none.
   */
  public double sum(String name, String... labels) {
    double total = 0;
    for (Map.Entry<String, Double> e : samples.entrySet()) {
      if (matches(e.getKey(), name, labels)) {
        total += e.getValue();
      }
    }
    return total;
  }

  public boolean has(String name, String... labels) {
    for (String series : samples.keySet()) {
      if (matches(series, name, labels)) {
        return true;
      }
    }
    return false;
  }

  /** Number of distinct series of {@code name}. */
  public int seriesCount(String name) {
    int n = 0;
    for (String series : samples.keySet()) {
      if (series.equals(name) || series.startsWith(name + "{")) {
        n++;
      }
    }
    return n;
  }

  private static boolean matches(String series, String name, String[] labels) {
    if (!(series.equals(name) || series.startsWith(name + "{"))) {
      return false;
    }
    for (int i = 0; i + 1 < labels.length; i += 2) {
      if (!series.contains(labels[i] + "=\"" + labels[i + 1] + "\"")) {
        return false;
      }
    }
    return true;
  }

  /** Sorts labels so the same series always has the same key. */
  private static String normalize(String series) {
    int brace = series.indexOf('{');
    if (brace < 0) {
      return series;
    }
    String name = series.substring(0, brace);
    String inner = series.substring(brace + 1, series.lastIndexOf('}'));
    Map<String, String> labels = new TreeMap<>();
    for (String pair : inner.split(",(?=[a-zA-Z_]+=\")")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        labels.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    StringBuilder sb = new StringBuilder(name).append('{');
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (sb.charAt(sb.length() - 1) != '{') {
        sb.append(',');
      }
      sb.append(e.getKey()).append('=').append(e.getValue());
    }
    return sb.append('}').toString();
  }
}
