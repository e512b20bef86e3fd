package dev.grpcobs.exporter.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class UntrustedTextTest {

  @Test
  void validShortTextIsPassedThroughAsIs() {
    String text = "plain \"text\" with\nnewlines and \uD83D\uDE00";
    assertSame(text, UntrustedText.bounded(text, 100));
    assertNull(UntrustedText.bounded(null, 100));
  }

  @Test
  void unpairedSurrogatesBecomeTheReplacementCharacter() {
    assertEquals("\uFFFDx", UntrustedText.bounded("\uDC00x", 100));
    assertEquals("x\uFFFD", UntrustedText.bounded("x\uD800", 100));
    assertEquals("\uFFFD\uFFFD", UntrustedText.bounded("\uD800\uD800", 100));
    assertEquals("\uFFFD\uD83D\uDE00", UntrustedText.bounded("\uDE00\uD83D\uDE00", 100));
  }

  @Test
  void longTextIsCutWithAMarkerAndNeverInsideAPair() {
    assertEquals("abc...", UntrustedText.bounded("abcdef", 3));
    assertEquals("ab...", UntrustedText.bounded("ab\uD83D\uDE00", 3));
    assertEquals("ab\uD83D\uDE00...", UntrustedText.bounded("ab\uD83D\uDE00c", 4));
    assertEquals("\uFFFDb...", UntrustedText.bounded("\uDC00bcd", 2));
  }
}
