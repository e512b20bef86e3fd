package dev.grpcobs.exporter.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent loads the exporter, OpenTelemetry included, through a class loader of its own, while
 * the thread's context class loader is the application's, which may hold another OpenTelemetry.
 * Service loading (exporters, propagators, resource providers) must use the exporter's loader: with
 * the context loader, the providers found would implement the other copy's interfaces.
 */
class IsolatedClassLoaderTest {

  @Test
  void serviceProvidersComeFromTheExportersOwnLoader() throws Exception {
    List<URL> urls = new ArrayList<>();
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    Thread thread = Thread.currentThread();
    ClassLoader context = thread.getContextClassLoader();
    try (URLClassLoader isolated =
        new URLClassLoader(urls.toArray(new URL[0]), platformClassLoader())) {
      Class<?> probe = Class.forName(IsolatedProbe.class.getName(), true, isolated);
      assertNotSame(IsolatedProbe.class, probe);
      // The context loader sees the test's own copy of every class: the "application's" copy.
      thread.setContextClassLoader(IsolatedClassLoaderTest.class.getClassLoader());
      Method run = probe.getMethod("run");
      assertEquals(
          "[traceparent, x-b3-sampled, x-b3-spanid, x-b3-traceid] exported=1", run.invoke(null));
    } finally {
      thread.setContextClassLoader(context);
    }
  }

  /** Java 9+: the platform loader (java.net.http, jdk.httpserver, ...); Java 8: bootstrap. */
  private static ClassLoader platformClassLoader() {
    try {
      return (ClassLoader) ClassLoader.class.getMethod("getPlatformClassLoader").invoke(null);
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }
}
