package dev.grpcobs.it.stack;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The build context Docker sends for a .dockerignore: patterns relative to the context root with
 * {@code *}, {@code ?} and {@code **}, a pattern matching a directory excluding all below it, later
 * {@code !} patterns re-including what earlier ones excluded.
 */
final class DockerIgnore {

  private static final class Rule {
    final Pattern pattern;
    final boolean include;

    Rule(Pattern pattern, boolean include) {
      this.pattern = pattern;
      this.include = include;
    }
  }

  private final List<Rule> rules = new ArrayList<>();

  DockerIgnore(List<String> lines) {
    for (String raw : lines) {
      String line = raw.trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      boolean include = line.startsWith("!");
      if (include) {
        line = line.substring(1).trim();
      }
      while (line.startsWith("/")) {
        line = line.substring(1);
      }
      while (line.endsWith("/")) {
        line = line.substring(0, line.length() - 1);
      }
      rules.add(new Rule(Pattern.compile(toRegex(line)), include));
    }
  }

  static DockerIgnore of(Path file) throws IOException {
    return new DockerIgnore(Files.readAllLines(file));
  }

  private static String toRegex(String glob) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        // "**/" matches any number of directories, including none.
        boolean slash = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
        regex.append(slash ? "(?:.*/)?" : ".*");
        i += slash ? 2 : 1;
      } else if (c == '*') {
        regex.append("[^/]*");
      } else if (c == '?') {
        regex.append("[^/]");
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return regex.toString();
  }

  /** Whether {@code relative} (with '/' separators) stays out of the context. */
  boolean excludes(String relative) {
    boolean excluded = false;
    for (Rule rule : rules) {
      if (matchesItselfOrParent(rule.pattern, relative)) {
        excluded = !rule.include;
      }
    }
    return excluded;
  }

  private static boolean matchesItselfOrParent(Pattern pattern, String relative) {
    String path = relative;
    while (true) {
      if (pattern.matcher(path).matches()) {
        return true;
      }
      int slash = path.lastIndexOf('/');
      if (slash < 0) {
        return false;
      }
      path = path.substring(0, slash);
    }
  }

  private boolean hasIncludes() {
    return rules.stream().anyMatch(r -> r.include);
  }

  /** Copies what Docker would send as the build context from {@code root} into {@code target}. */
  void copyContext(Path root, Path target) throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<Path>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
            String relative = relative(root, dir);
            // With a "!" pattern something below an excluded directory may come back: walk it all.
            if (!relative.isEmpty() && excludes(relative) && !hasIncludes()) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            Files.createDirectories(target.resolve(relative));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            String relative = relative(root, file);
            if (!excludes(relative)) {
              Files.copy(file, target.resolve(relative), StandardCopyOption.COPY_ATTRIBUTES);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static String relative(Path root, Path path) {
    return root.relativize(path).toString().replace('\\', '/');
  }
}
