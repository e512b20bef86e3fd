package dev.grpcobs.it.stack;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a copy of a Prometheus rule file run faster: every range selector window ({@code [5m]}) and
 * every {@code for:} duration is divided by the same factor, and nothing else changes. The shipped
 * file keeps its production windows; the end-to-end test loads the compressed copy, so the very same
 * expressions fire within seconds against a Prometheus scraping every second.
 */
final class RuleTimeCompression {

  private static final String DURATION = "(?:\\d+(?:ms|[smhdwy]))+";
  private static final Pattern RANGE = Pattern.compile("\\[(" + DURATION + ")\\]");
  private static final Pattern FOR =
      Pattern.compile("(?m)^(\\s*(?:for|keep_firing_for):\\s*)(" + DURATION + ")\\s*$");
  private static final Pattern SUBQUERY_OR_OFFSET = Pattern.compile("\\[[^\\]]*:[^\\]]*\\]|\\boffset\\b");
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|[smhdwy])");

  private RuleTimeCompression() {}

  /** The rule file with every window and {@code for:} divided by {@code factor}. */
  static String compress(String rules, int factor) {
    Matcher unsupported = SUBQUERY_OR_OFFSET.matcher(rules);
    if (unsupported.find()) {
      // Subquery steps and offsets would need scaling too; fail rather than test something else.
      throw new IllegalArgumentException("cannot compress '" + unsupported.group() + "': not supported");
    }
    String compressed = replace(RANGE, rules, factor, 1, m -> "[" + m + "]");
    return replace(FOR, compressed, factor, 2, null);
  }

  private interface Wrap {
    String apply(String duration);
  }

  private static String replace(Pattern pattern, String text, int factor, int group, Wrap wrap) {
    Matcher m = pattern.matcher(text);
    StringBuffer out = new StringBuffer();
    while (m.find()) {
      String scaled = format(millis(m.group(group)) / factor);
      String replacement =
          wrap != null ? wrap.apply(scaled) : m.group(1) + scaled;
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  static long millis(String duration) {
    Matcher part = PART.matcher(duration);
    long total = 0;
    while (part.find()) {
      long n = Long.parseLong(part.group(1));
      switch (part.group(2)) {
        case "ms":
          total += n;
          break;
        case "s":
          total += n * 1000L;
          break;
        case "m":
          total += n * 60_000L;
          break;
        case "h":
          total += n * 3_600_000L;
          break;
        case "d":
          total += n * 86_400_000L;
          break;
        case "w":
          total += n * 7 * 86_400_000L;
          break;
        case "y":
          total += n * 365 * 86_400_000L;
          break;
        default:
          throw new IllegalArgumentException(duration);
      }
    }
    return total;
  }

  static String format(long millis) {
    if (millis <= 0) {
      throw new IllegalArgumentException("duration compressed to nothing");
    }
    return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
  }
}
