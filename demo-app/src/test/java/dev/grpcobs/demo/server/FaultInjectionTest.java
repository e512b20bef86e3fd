package dev.grpcobs.demo.server;

import static dev.grpcobs.demo.server.ShopServicesTest.assertCode;
import static dev.grpcobs.demo.server.ShopServicesTest.chat;
import static dev.grpcobs.demo.server.ShopServicesTest.drain;
import static dev.grpcobs.demo.server.ShopServicesTest.order;
import static dev.grpcobs.demo.server.ShopServicesTest.reservation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcobs.demo.Recorder;
import dev.grpcobs.demo.ShopFixture;
import dev.grpcobs.demo.proto.BulkReply;
import dev.grpcobs.demo.proto.ChatMessage;
import dev.grpcobs.demo.proto.OrderUpdate;
import dev.grpcobs.demo.proto.PlaceOrderRequest;
import dev.grpcobs.demo.proto.ReserveReply;
import dev.grpcobs.demo.proto.ReserveRequest;
import dev.grpcobs.demo.proto.TrackOrderRequest;
import dev.grpcobs.demo.proto.WatchStockRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The --error-rate and --latency-ms knobs, over real sockets. */
class FaultInjectionTest {

    @Test
    void inventoryWithErrorRateOneFailsEveryCallShapeWithUnavailable() throws Exception {
        try (ShopFixture shop = new ShopFixture(new ServerOptions().errorRate(1.0), new ServerOptions())) {
            assertCode(Status.Code.UNAVAILABLE, () -> shop.inventoryBlocking().reserve(reservation("apple", 1)));
            assertCode(Status.Code.UNAVAILABLE, () -> drain(shop.inventoryBlocking().watchStock(
                    WatchStockRequest.newBuilder().setSku("apple").setUpdates(3).build())));

            Recorder<ReserveReply> replies = new Recorder<>();
            StreamObserver<ReserveRequest> requests = shop.inventoryAsync().reserveStream(replies);
            requests.onNext(reservation("apple", 1));
            requests.onCompleted();
            assertEquals(Status.Code.UNAVAILABLE, replies.awaitCode());
        }
    }

    @Test
    void ordersPassOnAnUnavailableInventory() throws Exception {
        try (ShopFixture shop = new ShopFixture(new ServerOptions().errorRate(1.0), new ServerOptions())) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> shop.ordersBlocking().placeOrder(order("ann", "apple", 1)));

            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
            assertEquals("inventory: injected fault", e.getStatus().getDescription());
        }
    }

    @Test
    void ordersWithErrorRateOneFailEveryCallShapeWithUnavailable() throws Exception {
        try (ShopFixture shop = new ShopFixture(new ServerOptions(), new ServerOptions().errorRate(1.0))) {
            assertCode(Status.Code.UNAVAILABLE, () -> shop.ordersBlocking().placeOrder(order("ann", "apple", 1)));
            assertCode(Status.Code.UNAVAILABLE, () -> drain(shop.ordersBlocking().trackOrder(
                    TrackOrderRequest.newBuilder().setOrderId("ord-1").setUpdates(2).build())));

            Recorder<BulkReply> bulk = new Recorder<>();
            StreamObserver<PlaceOrderRequest> orders = shop.ordersAsync().placeBulk(bulk);
            orders.onNext(order("ann", "apple", 1));
            orders.onCompleted();
            assertEquals(Status.Code.UNAVAILABLE, bulk.awaitCode());

            Recorder<ChatMessage> chat = new Recorder<>();
            StreamObserver<ChatMessage> messages = shop.ordersAsync().chat(chat);
            messages.onNext(chat("hello"));
            messages.onCompleted();
            assertEquals(Status.Code.UNAVAILABLE, chat.awaitCode());
        }
    }

    @Test
    void partialErrorRateFailsSomeCallsAndServesTheRest() throws Exception {
        try (ShopFixture shop = new ShopFixture(new ServerOptions().errorRate(0.5).seed(7), new ServerOptions())) {
            int ok = 0;
            int unavailable = 0;
            for (int i = 0; i < 100; i++) {
                try {
                    shop.inventoryBlocking().reserve(reservation("apple", 1));
                    ok++;
                } catch (StatusRuntimeException e) {
                    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
                    unavailable++;
                }
            }
            assertTrue(ok > 0, "some calls succeed");
            assertTrue(unavailable > 0, "some calls fail");
            assertEquals(100, ok + unavailable);
        }
    }

    @Test
    void addedLatencyKeepsEveryCallShapeWorkingAndStreamsInOrder() throws Exception {
        ServerOptions slow = new ServerOptions().latencyMs(2).latencyJitterMs(5).seed(3);
        try (ShopFixture shop = new ShopFixture(slow, slow)) {
            Recorder<ReserveReply> replies = new Recorder<>();
            StreamObserver<ReserveRequest> requests = shop.inventoryAsync().reserveStream(replies);
            for (int i = 0; i < 20; i++) {
                requests.onNext(reservation("cherry", 1));
            }
            requests.onCompleted();
            assertEquals(Status.Code.OK, replies.awaitCode());
            List<ReserveReply> received = replies.values();
            assertEquals(20, received.size());
            for (int i = 1; i < received.size(); i++) {
                assertEquals(received.get(i - 1).getRemaining() - 1, received.get(i).getRemaining());
            }

            String orderId = shop.ordersBlocking().placeOrder(order("ann", "apple", 1)).getOrderId();
            List<OrderUpdate> updates = drain(shop.ordersBlocking().trackOrder(
                    TrackOrderRequest.newBuilder().setOrderId(orderId).setUpdates(3).build()));
            assertEquals(3, updates.size());

            Recorder<BulkReply> bulk = new Recorder<>();
            StreamObserver<PlaceOrderRequest> orders = shop.ordersAsync().placeBulk(bulk);
            orders.onNext(order("ann", "apple", 1));
            orders.onNext(order("ann", "banana", 1));
            orders.onCompleted();
            assertEquals(Status.Code.OK, bulk.awaitCode());
            assertEquals(2, bulk.values().get(0).getAccepted());

            Recorder<ChatMessage> chat = new Recorder<>();
            StreamObserver<ChatMessage> messages = shop.ordersAsync().chat(chat);
            messages.onNext(chat("hello"));
            messages.onNext(chat("reserve apple 1"));
            messages.onCompleted();
            assertEquals(Status.Code.OK, chat.awaitCode());
            assertEquals(2, chat.values().size());
        }
    }
}
