package dev.grpcobs.agent.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * Opens the built agent jar: nothing in it may clash with an application's classes, so every
 * class is in the project's package, and everything but the entry point and bridge is hidden.
 */
class AgentJarLayoutIT {

  private static JarFile jar() throws Exception {
    String path = System.getProperty("agent.jar");
    assertNotNull(path, "agent.jar system property");
    assertTrue(new File(path).isFile(), path);
    return new JarFile(path);
  }

  @Test
  void everyClassIsInTheProjectPackage() throws Exception {
    List<String> outside = new ArrayList<>();
    int classes = 0;
    try (JarFile jar = jar()) {
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        String name = e.nextElement().getName();
        if (!name.endsWith(".class") && !name.endsWith(".classdata")) {
          continue;
        }
        classes++;
        String path = name.startsWith("inst/") ? name.substring("inst/".length()) : name;
        if (!path.startsWith("dev/grpcobs/")) {
          outside.add(name);
        }
      }
    }
    assertTrue(classes > 500, "the jar bundles the agent and its libraries: " + classes);
    assertEquals(new ArrayList<String>(), outside, "classes outside dev.grpcobs");
  }

  @Test
  void onlyTheBootstrapAndBridgeAreLoadableByTheApplication() throws Exception {
    List<String> visible = new ArrayList<>();
    try (JarFile jar = jar()) {
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        String name = e.nextElement().getName();
        if (name.endsWith(".class")
            && !name.startsWith("dev/grpcobs/bootstrap/")
            && !name.startsWith("dev/grpcobs/bridge/")) {
          visible.add(name);
        }
      }
      assertNotNull(jar.getEntry("dev/grpcobs/bootstrap/AgentBootstrap.class"));
      assertNotNull(jar.getEntry("inst/dev/grpcobs/agent/AgentInstaller.classdata"));
      assertNotNull(jar.getEntry("inst/dev/grpcobs/shaded/bytebuddy/ByteBuddy.classdata"));
    }
    assertEquals(new ArrayList<String>(), visible);
  }

  @Test
  void noServiceFileOrLoggingConfigIsVisibleToTheApplication() throws Exception {
    try (JarFile jar = jar()) {
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        String name = e.nextElement().getName();
        assertTrue(
            !name.startsWith("META-INF/services/") && !name.endsWith("logback.xml")
                && !name.equals("prometheus.properties"),
            name + " would be seen by the application's class loader");
      }
    }
  }

  @Test
  void manifestDeclaresTheAgentEntryPoints() throws Exception {
    try (JarFile jar = jar()) {
      Attributes attributes = jar.getManifest().getMainAttributes();
      assertEquals("dev.grpcobs.bootstrap.AgentBootstrap", attributes.getValue("Premain-Class"));
      assertEquals("dev.grpcobs.bootstrap.AgentBootstrap", attributes.getValue("Agent-Class"));
      assertEquals("true", attributes.getValue("Can-Retransform-Classes"));
    }
  }

  @Test
  void bundledClassesTargetJava8() throws Exception {
    try (JarFile jar = jar()) {
      for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
        JarEntry entry = e.nextElement();
        if (entry.getName().endsWith(".class") || entry.getName().endsWith(".classdata")) {
          byte[] header = new byte[8];
          try (java.io.InputStream in = jar.getInputStream(entry)) {
            int read = 0;
            while (read < 8) {
              int n = in.read(header, read, 8 - read);
              if (n < 0) {
                break;
              }
              read += n;
            }
          }
          int major = ((header[6] & 0xff) << 8) | (header[7] & 0xff);
          assertTrue(major <= 52, entry.getName() + " has class file version " + major);
        }
      }
    }
  }
}
