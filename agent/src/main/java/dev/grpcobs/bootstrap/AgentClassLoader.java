package dev.grpcobs.bootstrap;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the agent's implementation and its bundled libraries from the {@code inst/} folder of the
 * agent jar, where classes are stored as {@code .classdata}: invisible to the application's class
 * loaders even though the agent jar is on the system class path.
 */
public final class AgentClassLoader extends ClassLoader {

  static {
    registerAsParallelCapable();
  }

  static final String HIDDEN_ROOT = "inst/";
  private static final String CLASS_SUFFIX = ".class";
  private static final String HIDDEN_CLASS_SUFFIX = ".classdata";

  private final JarFile jar;
  private final String jarUrl;
  private final ProtectionDomain protectionDomain;

  public AgentClassLoader(File agentJar, ClassLoader parent) throws IOException {
    super(parent);
    this.jar = new JarFile(agentJar, false);
    URL location = agentJar.toURI().toURL();
    this.jarUrl = location.toExternalForm();
    this.protectionDomain =
        new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null, this, null);
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    JarEntry entry = jar.getJarEntry(HIDDEN_ROOT + name.replace('.', '/') + HIDDEN_CLASS_SUFFIX);
    if (entry == null) {
      throw new ClassNotFoundException(name);
    }
    byte[] bytes;
    try (InputStream in = jar.getInputStream(entry)) {
      bytes = readAll(in);
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
    }
    definePackageOf(name);
    return defineClass(name, bytes, 0, bytes.length, protectionDomain);
  }

  @Override
  protected URL findResource(String name) {
    String entryName = hiddenEntryName(name);
    if (jar.getJarEntry(entryName) == null) {
      return null;
    }
    try {
      return new URL("jar:" + jarUrl + "!/" + entryName);
    } catch (MalformedURLException e) {
      return null;
    }
  }

  @Override
  protected Enumeration<URL> findResources(String name) {
    URL url = findResource(name);
    return url == null
        ? Collections.<URL>emptyEnumeration()
        : Collections.enumeration(Collections.singletonList(url));
  }

  /** Class files are stored renamed, so tools asking for {@code Foo.class} still find them. */
  private static String hiddenEntryName(String resourceName) {
    String name = resourceName.startsWith("/") ? resourceName.substring(1) : resourceName;
    if (name.endsWith(CLASS_SUFFIX)) {
      name = name.substring(0, name.length() - CLASS_SUFFIX.length()) + HIDDEN_CLASS_SUFFIX;
    }
    return HIDDEN_ROOT + name;
  }

  private void definePackageOf(String className) {
    int dot = className.lastIndexOf('.');
    if (dot <= 0) {
      return;
    }
    String pkg = className.substring(0, dot);
    if (getPackage(pkg) == null) {
      try {
        definePackage(pkg, null, null, null, null, null, null, null);
      } catch (IllegalArgumentException alreadyDefinedConcurrently) {
        // another thread won the race; the package exists either way
      }
    }
  }

  static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    byte[] buffer = new byte[8192];
    int n;
    while ((n = in.read(buffer)) != -1) {
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }
}
