package dev.grpcobs.it.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs here, so the Dockerfile's build stage is carried out by hand, the way Docker
 * would: the context .dockerignore lets through is copied to a fresh directory, the stage's RUN
 * commands run there (Maven offline, from the local repository), and the files the runtime stage
 * copies out of it must be the agent jar and the demo jar the other tests attach and run.
 */
class DockerfileBuildTest {

  /** The jar name the agent module builds; the runtime stage puts it where compose points at. */
  static final String AGENT_JAR_NAME = "grpc-observability-agent.jar";
  static final String DEMO_JAR_NAME = "demo-shop.jar";

  @Test
  void baseImagesArePinnedAndTheImageDoesNotAttachTheAgentItself() throws Exception {
    DockerfileStages dockerfile = DockerfileStages.parse(Repo.file(Repo.DOCKERFILE));
    assertTrue(dockerfile.stages.size() >= 2, "a multi-stage Dockerfile: " + dockerfile.stages.size() + " stage(s)");
    for (DockerfileStages.Stage stage : dockerfile.stages) {
      assertTrue(ComposeFileTest.isPinned(stage.image), "base image not pinned to a version: " + stage.image);
    }
    DockerfileStages.Stage runtime = dockerfile.last();
    for (String keyword : Arrays.asList("ENTRYPOINT", "CMD", "ENV")) {
      for (String args : runtime.arguments(keyword)) {
        assertFalse(
            args.contains("javaagent") || args.contains("JAVA_TOOL_OPTIONS"),
            "the image must run the plain demo; compose attaches the agent: " + keyword + " " + args);
      }
    }
    assertTrue(
        String.join(" ", runtime.arguments("ENTRYPOINT")).contains(imagePathOf(dockerfile, DEMO_JAR_NAME)),
        "the entry point runs the demo jar the image holds: " + runtime.arguments("ENTRYPOINT"));
  }

  @Test
  void theBuildStageBuildsTheAgentAndDemoJarsTheTestsUse() throws Exception {
    ExternalTool maven = ExternalTool.require("mvn", "maven");
    DockerfileStages dockerfile = DockerfileStages.parse(Repo.file(Repo.DOCKERFILE));
    DockerfileStages.Stage runtime = dockerfile.last();
    Path context = Files.createTempDirectory("grpcobs-docker-context");
    try {
      DockerIgnore.of(Repo.file(Repo.DOCKERIGNORE)).copyContext(Repo.root(), context);
      assertTrue(Files.isRegularFile(context.resolve("pom.xml")), "the context holds the build");
      for (String left : Arrays.asList(".git", "agent/target", "demo-app/target")) {
        assertFalse(Files.exists(context.resolve(left)), ".dockerignore lets " + left + " into the context");
      }

      Map<String, Path> stageRoots = new LinkedHashMap<>();
      for (DockerfileStages.Stage stage : dockerfile.stages) {
        if (stage == runtime) {
          continue;
        }
        stageRoots.put(stage.name, build(stage, context, maven));
      }

      Map<String, Path> imageFiles = new LinkedHashMap<>();
      for (String copy : runtime.arguments("COPY")) {
        String[] parts = copy.split(" ");
        if (!parts[0].startsWith("--from=")) {
          continue;
        }
        String stageName = parts[0].substring("--from=".length());
        DockerfileStages.Stage from = dockerfile.stage(stageName);
        String source = parts[1];
        String workdir = from.workdir().endsWith("/") ? from.workdir() : from.workdir() + "/";
        assertTrue(source.startsWith(workdir), copy + ": copies from outside the build's work dir " + workdir);
        Path built = stageRoots.get(stageName).resolve(source.substring(workdir.length()));
        assertTrue(Files.isRegularFile(built), copy + ": the build stage did not produce " + source);
        imageFiles.put(parts[2], built);
      }

      Path agentInImage = imageFiles.get(imagePathOf(dockerfile, AGENT_JAR_NAME));
      Path demoInImage = imageFiles.get(imagePathOf(dockerfile, DEMO_JAR_NAME));
      assertSameJar(Repo.agentJar(), agentInImage);
      assertSameJar(Repo.demoJar(), demoInImage);
    } finally {
      deleteTree(context);
    }
  }

  /**
   * Carries out one build stage in {@code context}: its WORKDIR is the context's copy, COPY of the
   * whole context is already done, RUN commands run there. Anything else is refused, so a change to
   * the Dockerfile this cannot follow fails here instead of passing untested.
   */
  private static Path build(DockerfileStages.Stage stage, Path context, ExternalTool maven) throws Exception {
    boolean copied = false;
    for (DockerfileStages.Instruction instruction : stage.instructions) {
      switch (instruction.keyword) {
        case "WORKDIR":
          break;
        case "COPY":
          String[] parts = instruction.arguments.split(" ");
          boolean wholeContext =
              parts.length == 2 && parts[0].equals(".") && (parts[1].equals(".") || parts[1].equals(stage.workdir()));
          assertTrue(wholeContext, "unsupported build-stage COPY (only the whole context): " + instruction);
          copied = true;
          break;
        case "RUN":
          assertTrue(copied, "RUN before the context is copied: " + instruction);
          List<String> command = new ArrayList<>(Arrays.asList(runCommand(instruction.arguments).split(" ")));
          if (command.get(0).equals("mvn")) {
            command.set(0, maven.executable().toString());
            // Offline: everything comes from the local repository the test build already filled.
            command.add(1, "-o");
          }
          ExternalTool.runCommand(command, context, 900).assertSuccess();
          break;
        default:
          throw new AssertionError("unsupported build-stage instruction: " + instruction);
      }
    }
    return context;
  }

  /** The shell command of a RUN, without BuildKit's --mount/--network options. */
  private static String runCommand(String arguments) {
    String command = arguments;
    while (command.startsWith("--")) {
      int space = command.indexOf(' ');
      command = command.substring(space + 1).trim();
    }
    assertFalse(command.contains("&&") || command.contains(";"), "one command per RUN in the build stage: " + command);
    return command;
  }

  /** Where the runtime stage puts the file named {@code jarName}. */
  static String imagePathOf(DockerfileStages dockerfile, String jarName) {
    for (String copy : dockerfile.last().arguments("COPY")) {
      String[] parts = copy.split(" ");
      if (parts.length == 3 && parts[1].endsWith("/" + jarName)) {
        return parts[2];
      }
    }
    throw new AssertionError("the runtime stage does not copy " + jarName + ": " + dockerfile.last().arguments("COPY"));
  }

  private static void assertSameJar(Path expected, Path actual) throws IOException {
    try (JarFile a = new JarFile(expected.toFile());
        JarFile b = new JarFile(actual.toFile())) {
      assertEquals(entries(a), entries(b), "the image's " + actual.getFileName() + " differs from " + expected);
      assertEquals(
          manifest(a), manifest(b), "manifest of " + actual.getFileName());
    }
  }

  /** Manifest attributes, without those naming the tools and JDK that built the jar. */
  private static Map<String, String> manifest(JarFile jar) throws IOException {
    Map<String, String> attributes = new java.util.TreeMap<>();
    jar.getManifest().getMainAttributes().forEach((k, v) -> attributes.put(k.toString(), v.toString()));
    attributes.keySet().removeAll(Arrays.asList("Created-By", "Build-Jdk-Spec", "Build-Jdk", "Built-By", "Ant-Version"));
    return attributes;
  }

  private static TreeSet<String> entries(JarFile jar) {
    return jar.stream().map(e -> e.getName()).collect(Collectors.toCollection(TreeSet::new));
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.delete(p);
      }
    }
  }
}
