package dev.grpcobs.it.app;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Starts an application inside its own {@link URLClassLoader}, the way fat-jar launchers, app
 * servers and plugin hosts do: gRPC is then invisible to the system class loader.
 *
 * <p>args: CLASSPATH MAIN_CLASS [ARGS...]
 */
public final class ChildLoaderLauncher {

  private ChildLoaderLauncher() {}

  public static void main(String[] args) throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : args[0].split(File.pathSeparator)) {
      urls.add(new File(entry).toURI().toURL());
    }
    ClassLoader parent = ClassLoader.getSystemClassLoader().getParent();
    URLClassLoader child = new URLClassLoader(urls.toArray(new URL[0]), parent);
    Thread.currentThread().setContextClassLoader(child);
    boolean grpcOnSystemPath = canLoad(ClassLoader.getSystemClassLoader(), "io.grpc.ServerBuilder");
    System.out.println("launcher grpc-on-system-class-path=" + grpcOnSystemPath);
    Class<?> main = Class.forName(args[1], true, child);
    Method entry = main.getMethod("main", String[].class);
    entry.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
  }

  private static boolean canLoad(ClassLoader loader, String name) {
    try {
      Class.forName(name, false, loader);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
