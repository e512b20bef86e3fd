package dev.grpcobs.exporter.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GrpcStatusCodesTest {

  @Test
  void namesEveryCodeLikeGo() {
    String[] expected = {
      "OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound",
      "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted",
      "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated"
    };
    assertEquals(expected.length, GrpcStatusCodes.KNOWN_CODE_COUNT);
    for (int code = 0; code < expected.length; code++) {
      assertEquals(expected[code], GrpcStatusCodes.name(code), "code " + code);
    }
  }

  @Test
  void cancelledIsSpelledTheGoWay() {
    assertEquals("Canceled", GrpcStatusCodes.name(1));
  }

  @Test
  void unknownCodesAreNumbered() {
    assertEquals("Code(17)", GrpcStatusCodes.name(17));
    assertEquals("Code(99)", GrpcStatusCodes.name(99));
  }

  @Test
  void negativeCodesPrintAsGoUnsigned32BitValues() {
    assertEquals("Code(4294967295)", GrpcStatusCodes.name(-1));
  }
}
