package dev.grpcobs.exporter.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LogSettingsTest {

  @Test
  void secretsAndBinaryHeadersAreNeverOnTheAllowList() {
    for (String secret :
        Arrays.asList("authorization", "Authorization", "proxy-authorization", "cookie",
            "set-cookie", "grpc-trace-bin", "x-token-bin")) {
      String problem = LogSettings.checkMetadataKey(secret);
      assertNotNull(problem, secret);
      assertTrue(problem.contains("never logged"), problem);
    }
    assertNull(LogSettings.checkMetadataKey("x-request-id"));
    assertNotNull(LogSettings.checkMetadataKey("x request"));
    LogSettings settings =
        new LogSettings()
            .metadataKeys(Arrays.asList("X-Request-Id", "authorization", "cookie", "a-bin", "x-request-id"));
    assertEquals(Arrays.asList("x-request-id"), settings.metadataKeys());
  }

  @Test
  void badValuesAreNamed() {
    assertNull(LogSettings.checkLevel("warn"));
    assertTrue(LogSettings.checkLevel("LOUD").contains("'LOUD'"));
    assertNull(LogSettings.checkCodeLevel("NOT_FOUND:INFO"));
    assertNull(LogSettings.checkCodeLevel("NotFound:info"));
    assertTrue(LogSettings.checkCodeLevel("NOPE:INFO").contains("'NOPE'"));
    assertTrue(LogSettings.checkCodeLevel("NOT_FOUND").contains("CODE:LEVEL"));
    assertNull(LogSettings.checkFileSize("100MB"));
    assertTrue(LogSettings.checkFileSize("lots").contains("'lots'"));
    assertNull(LogSettings.checkSampleRatio("0.25"));
    assertNotNull(LogSettings.checkSampleRatio("1.5"));
    assertNotNull(LogSettings.checkSampleRatio("half"));
  }
}
