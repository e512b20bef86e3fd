package dev.grpcobs.instrumentation;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

/**
 * The application's own logging context: SLF4J's {@code MDC} (logback, Log4j 2 and JUL bindings
 * alike) and Log4j 2's {@code ThreadContext}, whichever of them the loader of the application's
 * gRPC can see. Reached reflectively, so the agent neither bundles nor requires either; a logging
 * library that fails once is left alone from then on.
 */
final class AppLogContext {

  private static final MethodType GET = MethodType.methodType(String.class, String.class);
  private static final MethodType PUT =
      MethodType.methodType(void.class, String.class, String.class);
  private static final MethodType REMOVE = MethodType.methodType(void.class, String.class);

  /**
   * For the loader these helpers were defined next to (the application's gRPC loader). Declared
   * after the method types it needs, which static initialisation must have set first.
   */
  static final AppLogContext INSTANCE = find(AppLogContext.class.getClassLoader());

  private final Target[] targets;

  private AppLogContext(Target[] targets) {
    this.targets = targets;
  }

  static AppLogContext find(ClassLoader loader) {
    List<Target> found = new ArrayList<>(2);
    // Not a literal: the agent jar's shading rewrites "org.slf4j..." constants to its own copy.
    addIfPresent(found, loader, String.join(".", "org", "slf4j", "MDC"));
    addIfPresent(found, loader, "org.apache.logging.log4j.ThreadContext");
    return new AppLogContext(found.toArray(new Target[0]));
  }

  private static void addIfPresent(List<Target> found, ClassLoader loader, String className) {
    try {
      Class<?> type = Class.forName(className, false, loader);
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      found.add(
          new Target(
              lookup.findStatic(type, "get", GET),
              lookup.findStatic(type, "put", PUT),
              lookup.findStatic(type, "remove", REMOVE)));
    } catch (ReflectiveOperationException | LinkageError | RuntimeException absent) {
      // The application does not use this logging API.
    }
  }

  boolean isEmpty() {
    return targets.length == 0;
  }

  /**
   * Puts {@code values} under {@code keys} in every logging context and returns what was there
   * before, for {@link #restore}. Never throws.
   */
  Object[] enter(String[] keys, String[] values) {
    Object[] previous = new Object[targets.length];
    for (int t = 0; t < targets.length; t++) {
      previous[t] = targets[t].enter(keys, values);
    }
    return previous;
  }

  /** Puts back what {@link #enter} found. Never throws. */
  void restore(String[] keys, Object[] previous) {
    for (int t = 0; t < targets.length; t++) {
      targets[t].restore(keys, (String[]) previous[t]);
    }
  }

  private static final class Target {
    private final MethodHandle get;
    private final MethodHandle put;
    private final MethodHandle remove;
    private volatile boolean broken;

    Target(MethodHandle get, MethodHandle put, MethodHandle remove) {
      this.get = get;
      this.put = put;
      this.remove = remove;
    }

    String[] enter(String[] keys, String[] values) {
      if (broken) {
        return null;
      }
      try {
        String[] previous = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
          previous[i] = (String) get.invokeExact(keys[i]);
          if (values[i] == null) {
            remove.invokeExact(keys[i]);
          } else {
            put.invokeExact(keys[i], values[i]);
          }
        }
        return previous;
      } catch (Throwable e) {
        // E.g. SLF4J without a working binding: the application's logging is not ours to fix.
        broken = true;
        return null;
      }
    }

    void restore(String[] keys, String[] previous) {
      if (previous == null || broken) {
        return;
      }
      try {
        for (int i = 0; i < keys.length; i++) {
          if (previous[i] == null) {
            remove.invokeExact(keys[i]);
          } else {
            put.invokeExact(keys[i], previous[i]);
          }
        }
      } catch (Throwable e) {
        broken = true;
      }
    }
  }
}
