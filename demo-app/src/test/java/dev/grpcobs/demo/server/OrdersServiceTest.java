package dev.grpcobs.demo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.grpcobs.demo.proto.ReserveRequest;
import org.junit.jupiter.api.Test;

class OrdersServiceTest {

    @Test
    void orderStatesRunFromReservedToDelivered() {
        assertEquals("DELIVERED", OrdersService.OrderTracker.stateAt(0, 1));
        assertEquals("RESERVED", OrdersService.OrderTracker.stateAt(0, 2));
        assertEquals("DELIVERED", OrdersService.OrderTracker.stateAt(1, 2));
        String[] expected = {"RESERVED", "RESERVED", "PACKED", "SHIPPED", "DELIVERED"};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], OrdersService.OrderTracker.stateAt(i, expected.length));
        }
    }

    @Test
    void chatParsesReserveCommands() {
        ReserveRequest request = ChatHandler.parseReservation("reserve  apple 3 ");
        assertEquals("apple", request.getSku());
        assertEquals(3, request.getQuantity());
        assertNull(ChatHandler.parseReservation("reserve apple"));
        assertNull(ChatHandler.parseReservation("reserve apple many"));
        assertNull(ChatHandler.parseReservation("reserved apple 1"));
        assertNull(ChatHandler.parseReservation(""));
    }
}
