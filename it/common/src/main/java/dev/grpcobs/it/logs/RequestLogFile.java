package dev.grpcobs.it.logs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcobs.it.harness.Poll;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads what the agent wrote, byte-exactly: lines end at {@code \n} only (a raw carriage return
 * or U+2028 inside a line stays in it, for the JSON check to judge), and every line must be valid
 * UTF-8. A last line without its {@code \n} is still being written and is not returned.
 */
public final class RequestLogFile {

  private RequestLogFile() {}

  /** The complete lines of {@code file} so far; none if it does not exist yet. */
  public static List<String> completeLines(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException notYet) {
      return Collections.emptyList();
    }
    List<String> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        lines.add(utf8(bytes, start, i - start));
        start = i + 1;
      }
    }
    return lines;
  }

  /**
   * Waits until {@code file} holds at least {@code n} complete lines, and parses them all; fails
   * with the lines seen if they do not come within {@code timeoutSeconds}.
   */
  public static List<RequestLogLine> awaitLines(Path file, long n, long timeoutSeconds)
      throws Exception {
    List<String> lines = Poll.until(() -> completeLines(file), l -> l.size() >= n, timeoutSeconds);
    assertTrue(
        lines.size() >= n,
        "expected " + n + " lines in " + file + ", got:\n" + String.join("\n", lines));
    return parse(lines);
  }

  /** Every complete line, parsed; fails on the first that is not one JSON object. */
  public static List<RequestLogLine> parse(List<String> lines) {
    List<RequestLogLine> parsed = new ArrayList<>(lines.size());
    for (String line : lines) {
      parsed.add(RequestLogLine.parse(line));
    }
    return parsed;
  }

  /** Decodes strictly: malformed UTF-8 fails the test instead of turning into U+FFFD. */
  static String utf8(byte[] bytes, int offset, int length) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, offset, length))
          .toString();
    } catch (CharacterCodingException e) {
      throw new AssertionError(
          "a request log line is not valid UTF-8: "
              + new String(bytes, offset, length, StandardCharsets.UTF_8),
          e);
    }
  }

  /**
   * Collects the lines arriving on a stream (a named pipe) on its own daemon thread, from the
   * moment {@link #start} is called.
   */
  public static final class Collector {
    private final List<String> lines = Collections.synchronizedList(new ArrayList<String>());
    private volatile Throwable failure;

    public static Collector start(InputStream in, String threadName) {
      Collector collector = new Collector();
      Thread reader = new Thread(() -> collector.readAll(in), threadName);
      reader.setDaemon(true);
      reader.start();
      return collector;
    }

    private void readAll(InputStream in) {
      byte[] buffer = new byte[16384];
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      try {
        int n;
        while ((n = in.read(buffer)) != -1) {
          for (int i = 0; i < n; i++) {
            if (buffer[i] == '\n') {
              byte[] bytes = line.toByteArray();
              lines.add(utf8(bytes, 0, bytes.length));
              line.reset();
            } else {
              line.write(buffer[i]);
            }
          }
        }
      } catch (IOException | RuntimeException | AssertionError e) {
        failure = e;
      }
    }

    /** The complete lines read so far; fails if reading failed. */
    public List<String> lines() {
      if (failure != null) {
        throw new AssertionError("reading the request log failed", failure);
      }
      synchronized (lines) {
        return new ArrayList<>(lines);
      }
    }
  }
}
