package dev.grpcobs.it.harness;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Server-side metrics are recorded when the stream closes, which can be a moment after the client
 * saw its reply: tests wait for the condition to hold, then assert on the exact values.
 */
public final class Poll {

  private Poll() {}

  public static <T> T until(Callable<T> probe, Predicate<T> condition, long timeoutSeconds)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    T value = probe.call();
    while (!condition.test(value) && System.nanoTime() < deadline) {
      Thread.sleep(25);
      value = probe.call();
    }
    return value;
  }
}
