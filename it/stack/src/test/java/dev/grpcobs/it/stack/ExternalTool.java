package dev.grpcobs.it.stack;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command-line tool the tests need (prometheus, promtool, docker-compose, mvn). A missing tool
 * fails the test with the command that installs it: these tests never skip silently.
 */
final class ExternalTool {

  private final String name;
  private final Path executable;

  private ExternalTool(String name, Path executable) {
    this.name = name;
    this.executable = executable;
  }

  /** Finds {@code name} on the PATH or fails, naming the Debian package that provides it. */
  static ExternalTool require(String name, String debianPackage) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Paths.get(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return new ExternalTool(name, candidate);
        }
      }
    }
    throw new AssertionError(
        name + " is not installed (not found on PATH " + path + "). Install it with"
            + " `apt-get install -y " + debianPackage + "`; scripts/test.sh does so when run as root.");
  }

  Path executable() {
    return executable;
  }

  /** Runs the tool in {@code workDir} and returns its exit code and combined output. */
  Result run(Path workDir, long timeoutSeconds, String... args) throws IOException, InterruptedException {
    return run(workDir, timeoutSeconds, Arrays.asList(args));
  }

  Result run(Path workDir, long timeoutSeconds, List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(args);
    return runCommand(command, workDir, timeoutSeconds);
  }

  static Result runCommand(List<String> command, Path workDir, long timeoutSeconds)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile("grpcobs-tool", ".out");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            String.join(" ", command) + " did not finish within " + timeoutSeconds + " s; output:\n"
                + new String(Files.readAllBytes(output), StandardCharsets.UTF_8));
      }
      return new Result(
          String.join(" ", command), process.exitValue(),
          new String(Files.readAllBytes(output), StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  @Override
  public String toString() {
    return name + " (" + executable + ")";
  }

  /** Exit code and output of one run. */
  static final class Result {
    final String command;
    final int exitCode;
    final String output;

    Result(String command, int exitCode, String output) {
      this.command = command;
      this.exitCode = exitCode;
      this.output = output;
    }

    /** Fails unless the command exited 0; returns its output. */
    String assertSuccess() {
      if (exitCode != 0) {
        throw new AssertionError(command + " exited " + exitCode + ":\n" + output);
      }
      return output;
    }
  }
}
