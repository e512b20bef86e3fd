package dev.grpcobs.exporter.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.KeyValuePair;

/** The file side of the output: where lines land, rolling, and a path that cannot be written. */
class LogOutputTest {

  @TempDir Path dir;

  private final List<String> problems = new ArrayList<>();

  @Test
  void linesGoToTheFileCreatingItsDirectories() throws IOException {
    Path file = dir.resolve("nested/deeper/requests.log");
    LogOutput output = LogOutput.open(new LogSettings().file(file), problems::add);
    try {
      for (int i = 0; i < 3; i++) {
        assertTrue(output.append(line(output, i)));
      }
      output.flush();
    } finally {
      output.stop();
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals(3, lines.size(), lines.toString());
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < 3; i++) {
      assertEquals(i, json.readTree(lines.get(i)).get("n").asInt());
    }
    assertEquals(Collections.emptyList(), problems);
    assertEquals("request logs to " + file, output.describe());
  }

  @Test
  void anUnwritablePathFallsBackToStandardOutputWithOneClearProblem() throws IOException {
    Path notADirectory = Files.createFile(dir.resolve("plain-file"));
    Path file = notADirectory.resolve("requests.log");
    LogOutput output = LogOutput.open(new LogSettings().file(file), problems::add);
    output.stop();
    assertEquals("request logs to standard output", output.describe());
    assertEquals(1, problems.size(), problems.toString());
    String problem = problems.get(0);
    assertTrue(problem.startsWith("logs.file=" + file + ": cannot write there"), problem);
    assertTrue(problem.endsWith("request logs go to standard output instead"), problem);
  }

  @Test
  void theFileRollsBySizeIntoCompressedFiles() throws Exception {
    Path file = dir.resolve("requests.log");
    List<Path> rolled = writeUntilRolled(new LogSettings().file(file).maxFileSize("1KB"), ".gz");
    assertTrue(rolled.get(0).getFileName().toString().matches("requests\\.log\\.\\d{4}-\\d\\d-\\d\\d\\.0\\.gz"),
        rolled.toString());
    byte[] text;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(rolled.get(0)))) {
      text = readAll(in);
    }
    assertJsonLines(new String(text, StandardCharsets.UTF_8));
  }

  @Test
  void withoutCompressionRolledFilesStayPlainText() throws Exception {
    Path file = dir.resolve("requests.log");
    List<Path> rolled =
        writeUntilRolled(new LogSettings().file(file).maxFileSize("1KB").compress(false), ".0");
    assertTrue(rolled.get(0).getFileName().toString().matches("requests\\.log\\.\\d{4}-\\d\\d-\\d\\d\\.0"),
        rolled.toString());
    assertJsonLines(new String(Files.readAllBytes(rolled.get(0)), StandardCharsets.UTF_8));
  }

  /** Writes lines until a file ending in {@code suffix} appears; returns the rolled files. */
  private List<Path> writeUntilRolled(LogSettings settings, String suffix) throws Exception {
    LogOutput output = LogOutput.open(settings, problems::add);
    try {
      // logback checks the size at most every so often, so keep writing until it has rolled.
      long deadline = System.currentTimeMillis() + 20_000;
      int n = 0;
      while (rolled(suffix).isEmpty() && System.currentTimeMillis() < deadline) {
        output.append(line(output, n++));
        output.flush();
        Thread.sleep(2);
      }
    } finally {
      output.stop();
    }
    List<Path> rolled = rolled(suffix);
    assertTrue(!rolled.isEmpty(), "no rolled file next to " + settings.file());
    assertEquals(Collections.emptyList(), problems);
    return rolled;
  }

  private static void assertJsonLines(String text) throws IOException {
    String[] lines = text.split("\n");
    assertTrue(lines.length > 0 && text.endsWith("\n"), text);
    for (String line : lines) {
      assertTrue(new ObjectMapper().readTree(line).has("timestamp"), line);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    for (int n; (n = in.read(buffer)) > 0; ) {
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  private List<Path> rolled(String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(suffix)).sorted().collect(Collectors.toList());
    }
  }

  private static ch.qos.logback.classic.spi.ILoggingEvent line(LogOutput output, int n) {
    List<KeyValuePair> fields = new ArrayList<>();
    fields.add(new KeyValuePair("n", n));
    return output.event(System.currentTimeMillis(), Level.INFO, "line " + n, fields);
  }
}
