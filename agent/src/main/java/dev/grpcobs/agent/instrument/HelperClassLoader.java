package dev.grpcobs.agent.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayOutputStream;

/**
 * Defines the agent's gRPC-facing helpers next to one application class loader's {@code io.grpc}:
 * the helpers link against the application's own gRPC version, the bridge API comes from the
 * bootstrap class path, and nothing else of the agent is visible.
 */
final class HelperClassLoader extends ClassLoader {

  static {
    registerAsParallelCapable();
  }

  static final String HELPER_PACKAGE = "dev.grpcobs.instrumentation.";
  private static final String BRIDGE_PACKAGE = "dev.grpcobs.bridge.";

  private final ClassLoader agentLoader;

  HelperClassLoader(ClassLoader grpcLoader, ClassLoader agentLoader) {
    super(grpcLoader);
    this.agentLoader = agentLoader;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (name.startsWith(BRIDGE_PACKAGE)) {
      // Always the one bootstrap copy, even if the application's loader is child-first.
      return Class.forName(name, false, null);
    }
    if (!name.startsWith(HELPER_PACKAGE)) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> loaded = findLoadedClass(name);
      if (loaded == null) {
        byte[] bytes = helperBytes(name);
        loaded = defineClass(name, bytes, 0, bytes.length);
      }
      if (resolve) {
        resolveClass(loaded);
      }
      return loaded;
    }
  }

  private byte[] helperBytes(String name) throws ClassNotFoundException {
    String resource = name.replace('.', '/') + ".class";
    try (InputStream in = agentLoader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new ClassNotFoundException(name);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
      byte[] buffer = new byte[4096];
      int n;
      while ((n = in.read(buffer)) != -1) {
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
    }
  }
}
