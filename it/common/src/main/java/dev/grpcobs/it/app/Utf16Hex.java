package dev.grpcobs.it.app;

/**
 * Any Java string, lone surrogates and line breaks included, as four hex digits per UTF-16 code
 * unit: how a test passes hostile text through the test application's line-based stdin.
 */
public final class Utf16Hex {

  private Utf16Hex() {}

  public static String encode(String text) {
    StringBuilder hex = new StringBuilder(text.length() * 4);
    for (int i = 0; i < text.length(); i++) {
      String unit = Integer.toHexString(text.charAt(i));
      for (int pad = unit.length(); pad < 4; pad++) {
        hex.append('0');
      }
      hex.append(unit);
    }
    return hex.toString();
  }

  public static String decode(String hex) {
    if (hex.length() % 4 != 0) {
      throw new IllegalArgumentException("not four hex digits per character: " + hex);
    }
    char[] text = new char[hex.length() / 4];
    for (int i = 0; i < text.length; i++) {
      text[i] = (char) Integer.parseInt(hex.substring(4 * i, 4 * i + 4), 16);
    }
    return new String(text);
  }
}
