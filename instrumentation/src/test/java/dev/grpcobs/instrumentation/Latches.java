package dev.grpcobs.instrumentation;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Latch waits usable from handlers, which cannot throw checked exceptions. */
final class Latches {

  private Latches() {}

  /** Waits for the latch; a generous timeout turns a hang into a readable failure. */
  static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("latch was never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting on a latch", e);
    }
  }
}
