package dev.grpcobs.it.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The stages and instructions of a Dockerfile (line continuations joined, comments dropped). */
final class DockerfileStages {

  /** One instruction: keyword in upper case and its arguments. */
  static final class Instruction {
    final String keyword;
    final String arguments;

    Instruction(String keyword, String arguments) {
      this.keyword = keyword;
      this.arguments = arguments;
    }

    @Override
    public String toString() {
      return keyword + " " + arguments;
    }
  }

  /** One FROM and what follows it. */
  static final class Stage {
    final String image;
    final String name;
    final List<Instruction> instructions = new ArrayList<>();

    Stage(String image, String name) {
      this.image = image;
      this.name = name;
    }

    List<String> arguments(String keyword) {
      List<String> found = new ArrayList<>();
      for (Instruction i : instructions) {
        if (i.keyword.equals(keyword)) {
          found.add(i.arguments);
        }
      }
      return found;
    }

    /** The last WORKDIR, or "/" if none. */
    String workdir() {
      List<String> workdirs = arguments("WORKDIR");
      return workdirs.isEmpty() ? "/" : workdirs.get(workdirs.size() - 1);
    }
  }

  final List<Stage> stages = new ArrayList<>();

  private DockerfileStages() {}

  static DockerfileStages parse(Path dockerfile) throws IOException {
    DockerfileStages parsed = new DockerfileStages();
    StringBuilder logical = new StringBuilder();
    for (String raw : Files.readAllLines(dockerfile)) {
      String line = raw.trim();
      if (line.startsWith("#") || (line.isEmpty() && logical.length() == 0)) {
        continue;
      }
      if (line.endsWith("\\")) {
        logical.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      logical.append(line);
      parsed.add(logical.toString().trim());
      logical.setLength(0);
    }
    if (logical.length() > 0) {
      parsed.add(logical.toString().trim());
    }
    return parsed;
  }

  private void add(String line) {
    if (line.isEmpty()) {
      return;
    }
    int space = line.indexOf(' ');
    String keyword = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
    String arguments = space < 0 ? "" : line.substring(space + 1).trim().replaceAll("\\s+", " ");
    if (keyword.equals("FROM")) {
      String[] parts = arguments.split(" ");
      String name = parts.length >= 3 && parts[1].equalsIgnoreCase("AS") ? parts[2] : null;
      stages.add(new Stage(parts[0], name));
      return;
    }
    if (stages.isEmpty()) {
      if (keyword.equals("ARG")) {
        return;
      }
      throw new AssertionError("Dockerfile instruction before FROM: " + line);
    }
    stages.get(stages.size() - 1).instructions.add(new Instruction(keyword, arguments));
  }

  Stage stage(String name) {
    for (Stage s : stages) {
      if (name.equals(s.name)) {
        return s;
      }
    }
    throw new AssertionError("the Dockerfile has no stage named " + name);
  }

  Stage last() {
    return stages.get(stages.size() - 1);
  }
}
