package dev.grpcobs.exporter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Methods left out of a signal (traces, request logs), resolved once: exact names in a hash set, whole services as a
 * short array of prefixes. A lookup is one hash probe plus a prefix comparison per excluded
 * service; no regular expression and no allocation.
 */
public final class MethodExclusions {

  private final Set<String> exactMethods;
  private final String[] services;

  private MethodExclusions(Set<String> exactMethods, String[] services) {
    this.exactMethods = exactMethods;
    this.services = services;
  }

  /**
   * Compiles patterns already accepted by {@link #check(String)}.
   *
   * @throws IllegalArgumentException naming the first invalid pattern
   */
  public static MethodExclusions compile(Collection<String> patterns) {
    Set<String> exact = new HashSet<>();
    List<String> services = new ArrayList<>();
    for (String pattern : patterns) {
      String problem = check(pattern);
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

  /**
   * @return null if {@code pattern} is {@code pkg.Service/Method} or {@code pkg.Service/*},
   *     otherwise a message saying what is wrong with it, fit to be shown to a user
   */
  public static String check(String pattern) {
    if (pattern == null || pattern.trim().isEmpty()) {
      return "empty method pattern";
    }
    String p = pattern.trim();
    int slash = p.indexOf('/');
    if (slash <= 0 || slash != p.lastIndexOf('/') || slash == p.length() - 1) {
      return "method pattern '" + pattern + "' is neither pkg.Service/Method nor pkg.Service/*";
    }
    String service = p.substring(0, slash);
    String method = p.substring(slash + 1);
    if (service.indexOf('*') >= 0 || (method.indexOf('*') >= 0 && !method.equals("*"))) {
      return "method pattern '"
          + pattern
          + "': only a whole method may be a wildcard (pkg.Service/*)";
    }
    return null;
  }

  public boolean excludes(String fullMethodName) {
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
