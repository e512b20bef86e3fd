package dev.grpcobs.it.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The request-log suite's JSON check on its own: what it accepts, and what lenient parsers let through. */
class JsonTest {

  @Test
  void readsEveryKindOfValue() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("x-request-id", "a\"b\\c");
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("s", "line\nnext\t\u0000\u001f/é😀\u2028");
    expected.put("i", 12L);
    expected.put("d", -0.5e3);
    expected.put("t", true);
    expected.put("f", false);
    expected.put("n", null);
    expected.put("a", Arrays.asList(1L, "two"));
    expected.put("o", inner);
    assertEquals(
        expected,
        Json.parseObject(
            " {\"s\":\"line\\nnext\\t\\u0000\\u001F\\/é😀\u2028\",\"i\":12,\"d\":-0.5e3,\"t\":true,"
                + "\"f\":false,\"n\":null,\"a\":[1,\"two\"],\"o\":{\"x-request-id\":\"a\\\"b\\\\c\"}}\n"));
  }

  @Test
  void refusesWhatIsNotStrictJson() {
    String[] invalid = {
      "{\"a\":\"raw\nnewline\"}",
      "{\"a\":\"raw \u0001 control\"}",
      "{\"a\":\"tab\tinside\"}",
      "{\"a\":\"bad \\x escape\"}",
      "{\"a\":\"short \\u12\"}",
      "{\"a\":\"unterminated}",
      "{\"a\":1,\"a\":2}",
      "{\"a\":1}{\"b\":2}",
      "{\"a\":1,}",
      "{'a':1}",
      "{\"a\":01}",
      "{\"a\":1.}",
      "{\"a\":NaN}",
      "{a:1}",
      "",
    };
    for (String text : invalid) {
      assertThrows(IllegalArgumentException.class, () -> Json.parse(text), text);
    }
  }
}
