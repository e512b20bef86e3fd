package dev.grpcobs.exporter.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
    LogOutput output =
        LogOutput.open(new LogSettings().file(file).maxFileSize("1KB"), problems::add);
    try {
      // logback checks the size at most every so often, so keep writing until it has rolled.
      long deadline = System.currentTimeMillis() + 20_000;
      int n = 0;
      while (rolled().isEmpty() && System.currentTimeMillis() < deadline) {
        output.append(line(output, n++));
        output.flush();
        Thread.sleep(2);
      }
    } finally {
      output.stop();
    }
    List<Path> rolled = rolled();
    assertTrue(!rolled.isEmpty(), "no rolled file next to " + file);
    assertTrue(rolled.get(0).getFileName().toString().matches("requests\\.log\\.\\d{4}-\\d\\d-\\d\\d\\.0\\.gz"),
        rolled.toString());
  }

  private List<Path> rolled() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".gz")).sorted().collect(Collectors.toList());
    }
  }

  private static ch.qos.logback.classic.spi.ILoggingEvent line(LogOutput output, int n) {
    List<KeyValuePair> fields = new ArrayList<>();
    fields.add(new KeyValuePair("n", n));
    return output.event(System.currentTimeMillis(), Level.INFO, "line " + n, fields);
  }
}
