package dev.grpcobs.bootstrap;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.net.URI;
import java.security.CodeSource;
import java.util.jar.JarFile;

/**
 * The agent's entry point. It does as little as possible in the application's class loader: puts
 * the bridge API on the bootstrap class path, then hands over to the real installer, which lives in
 * an isolated {@link AgentClassLoader} that the application cannot see.
 *
 * <p>Nothing here may throw: a failure disables the agent with one line on stderr and the
 * application starts as if the agent were not there.
 */
public final class AgentBootstrap {

  private static final String INSTALLER = "dev.grpcobs.agent.AgentInstaller";
  private static boolean started;

  private AgentBootstrap() {}

  public static void premain(String agentArgs, Instrumentation inst) {
    start(agentArgs, inst, false);
  }

  public static void agentmain(String agentArgs, Instrumentation inst) {
    start(agentArgs, inst, true);
  }

  private static synchronized void start(
      String agentArgs, Instrumentation inst, boolean lateAttach) {
    if (started) {
      System.err.println("[grpc-observability-agent] already attached; ignoring a second -javaagent");
      return;
    }
    started = true;
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try {
      File agentJar = agentJar();
      inst.appendToBootstrapClassLoaderSearch(new JarFile(agentJar));
      AgentClassLoader agentLoader = new AgentClassLoader(agentJar, platformClassLoader());
      // Libraries that look things up through the context loader must find the agent's copies,
      // never the application's.
      Thread.currentThread().setContextClassLoader(agentLoader);
      Class<?> installer = agentLoader.loadClass(INSTALLER);
      installer
          .getMethod(
              "install", String.class, Instrumentation.class, ClassLoader.class, boolean.class)
          .invoke(null, agentArgs, inst, agentLoader, lateAttach);
    } catch (Throwable t) {
      Throwable cause = t.getCause() != null ? t.getCause() : t;
      System.err.println(
          "[grpc-observability-agent] disabled, the application runs without it: " + cause);
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  private static File agentJar() throws Exception {
    CodeSource source = AgentBootstrap.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      throw new IllegalStateException("cannot locate the agent jar");
    }
    return new File(URI.create(source.getLocation().toExternalForm().replace(" ", "%20")));
  }

  /** Java 9+ has a platform class loader; on Java 8 its counterpart is the extension loader. */
  private static ClassLoader platformClassLoader() {
    try {
      return (ClassLoader) ClassLoader.class.getMethod("getPlatformClassLoader").invoke(null);
    } catch (ReflectiveOperationException java8) {
      return ClassLoader.getSystemClassLoader().getParent();
    }
  }
}
