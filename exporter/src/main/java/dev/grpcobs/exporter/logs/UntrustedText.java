package dev.grpcobs.exporter.logs;

/**
 * Makes text from the network (status descriptions, header values) safe to hand to the JSON
 * encoder: bounded in length, with unpaired UTF-16 surrogates (which have no UTF-8 encoding)
 * replaced by U+FFFD. Quotes, newlines and control characters are left to the encoder's escaping.
 */
final class UntrustedText {

  static final char REPLACEMENT = '\uFFFD';
  static final String TRUNCATED = "...";

  private UntrustedText() {}

  /** {@code text} cut to {@code maxChars} (plus a marker when cut) and made valid UTF-16. */
  static String bounded(String text, int maxChars) {
    if (text == null) {
      return null;
    }
    int end = Math.min(text.length(), maxChars);
    if (end < text.length() && end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // do not cut a pair in half
    }
    boolean cut = end < text.length();
    StringBuilder out = null;
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
              ? i + 1 < end && Character.isLowSurrogate(text.charAt(i + 1))
              : !Character.isLowSurrogate(c);
      if (Character.isHighSurrogate(c) && paired) {
        if (out != null) {
          out.append(c).append(text.charAt(i + 1));
        }
        i++;
        continue;
      }
      if (!paired && out == null) {
        out = new StringBuilder(end + TRUNCATED.length()).append(text, 0, i);
      }
      if (out != null) {
        out.append(paired ? c : REPLACEMENT);
      }
    }
    if (out == null) {
      return cut ? text.substring(0, end) + TRUNCATED : text;
    }
    return cut ? out.append(TRUNCATED).toString() : out.toString();
  }
}
