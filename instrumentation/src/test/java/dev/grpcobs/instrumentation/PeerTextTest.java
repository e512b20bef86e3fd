package dev.grpcobs.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.junit.jupiter.api.Test;

class PeerTextTest {

  @Test
  void anIpv4AddressGivesHostPortAndTheirText() throws Exception {
    PeerText text =
        PeerText.of(new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 50051));

    assertEquals("10.1.2.3", text.host);
    assertEquals(50051, text.port);
    assertEquals("10.1.2.3:50051", text.hostAndPort());
  }

  @Test
  void anIpv6AddressIsBracketedOnlyBeforeItsPort() throws Exception {
    PeerText text = PeerText.of(new InetSocketAddress(InetAddress.getByName("::1"), 443));

    assertEquals("0:0:0:0:0:0:0:1", text.host);
    assertEquals(443, text.port);
    assertEquals("[0:0:0:0:0:0:0:1]:443", text.hostAndPort());
  }

  @Test
  void otherAddressesHaveNoHostButTheirOwnText() {
    SocketAddress inProcess =
        new SocketAddress() {
          @Override
          public String toString() {
            return "in-process:shop";
          }
        };

    PeerText text = PeerText.of(inProcess);
    PeerText none = PeerText.of(null);

    assertNull(text.host);
    assertEquals(0, text.port);
    assertEquals("in-process:shop", text.hostAndPort());
    assertNull(none.host);
    assertNull(none.hostAndPort());
  }
}
