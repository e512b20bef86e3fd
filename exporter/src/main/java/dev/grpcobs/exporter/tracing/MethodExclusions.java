package dev.grpcobs.exporter.tracing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The methods that are not traced, resolved once: exact names in a hash set, whole services as a
 * short array of prefixes. A lookup is one hash probe plus a prefix comparison per excluded
 * service; no regular expression and no allocation.
 */
final class MethodExclusions {

  private final Set<String> exactMethods;
  private final String[] services;

  private MethodExclusions(Set<String> exactMethods, String[] services) {
    this.exactMethods = exactMethods;
    this.services = services;
  }

  /**
   * Compiles patterns already accepted by {@link TracingSettings#checkExcludedMethod(String)}.
   *
   * @throws IllegalArgumentException naming the first invalid pattern
   */
  static MethodExclusions compile(Collection<String> patterns) {
    Set<String> exact = new HashSet<>();
    List<String> services = new ArrayList<>();
    for (String pattern : patterns) {
      String problem = TracingSettings.checkExcludedMethod(pattern);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      String p = pattern.trim();
      if (p.endsWith("/*")) {
        String service = p.substring(0, p.length() - 2);
        if (!services.contains(service)) {
          services.add(service);
        }
      } else {
        exact.add(p);
      }
    }
    return new MethodExclusions(exact, services.toArray(new String[0]));
  }

  boolean excludes(String fullMethodName) {
    if (fullMethodName == null) {
      return false;
    }
    if (exactMethods.contains(fullMethodName)) {
      return true;
    }
    for (String service : services) {
      int length = service.length();
      if (fullMethodName.length() > length + 1
          && fullMethodName.charAt(length) == '/'
          && fullMethodName.startsWith(service)
          && fullMethodName.indexOf('/', length + 1) < 0) {
        return true;
      }
    }
    return false;
  }
}
