package dev.grpcobs.demo.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcobs.demo.Catalog;
import dev.grpcobs.demo.Recorder;
import dev.grpcobs.demo.ShopFixture;
import dev.grpcobs.demo.proto.BulkReply;
import dev.grpcobs.demo.proto.ChatMessage;
import dev.grpcobs.demo.proto.OrderUpdate;
import dev.grpcobs.demo.proto.PlaceOrderReply;
import dev.grpcobs.demo.proto.PlaceOrderRequest;
import dev.grpcobs.demo.proto.ReserveReply;
import dev.grpcobs.demo.proto.ReserveRequest;
import dev.grpcobs.demo.proto.StockLevel;
import dev.grpcobs.demo.proto.TrackOrderRequest;
import dev.grpcobs.demo.proto.WatchStockRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every call type of both services, over real sockets, against healthy servers. */
class ShopServicesTest {

    private static ShopFixture shop;

    @BeforeAll
    static void startShop() throws Exception {
        shop = ShopFixture.healthy();
    }

    @AfterAll
    static void stopShop() {
        shop.close();
    }

    @Test
    void serversReportTheirBoundPorts() {
        assertTrue(shop.inventory.port() > 0);
        assertTrue(shop.orders.port() > 0);
    }

    @Test
    void reserveTakesStockAndReportsWhatRemains() {
        ReserveReply first = shop.inventoryBlocking().reserve(reservation("cherry", 3));
        ReserveReply second = shop.inventoryBlocking().reserve(reservation("cherry", 2));

        assertEquals("cherry", first.getSku());
        assertEquals(3, first.getReserved());
        assertTrue(first.getRemaining() <= Catalog.REGULAR_CAPACITY - 3, first.toString());
        assertEquals(first.getRemaining() - 2, second.getRemaining());
    }

    @Test
    void reserveFailsWithRealStatusCodes() {
        assertCode(Status.Code.NOT_FOUND, () -> shop.inventoryBlocking().reserve(reservation("no-such-sku", 1)));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> shop.inventoryBlocking().reserve(reservation("apple", 0)));
        assertCode(Status.Code.INVALID_ARGUMENT,
                () -> shop.inventoryBlocking().reserve(reservation("apple", Catalog.MAX_QUANTITY + 1)));
    }

    @Test
    void scarceSkuRunsOutWithFailedPrecondition() {
        ReserveReply last = shop.inventoryBlocking().reserve(
                reservation(Catalog.SCARCE_SKU, (int) Catalog.SCARCE_STOCK));
        assertEquals(0, last.getRemaining());

        assertCode(Status.Code.FAILED_PRECONDITION,
                () -> shop.inventoryBlocking().reserve(reservation(Catalog.SCARCE_SKU, 1)));
    }

    @Test
    void watchStockSendsTheRequestedNumberOfUpdates() {
        Iterator<StockLevel> levels = shop.inventoryBlocking().watchStock(
                WatchStockRequest.newBuilder().setSku("banana").setUpdates(5).build());

        List<StockLevel> received = drain(levels);
        assertEquals(5, received.size());
        for (StockLevel level : received) {
            assertEquals("banana", level.getSku());
        }
    }

    @Test
    void watchStockRejectsUnknownSkuAndBadUpdateCount() {
        assertCode(Status.Code.NOT_FOUND, () -> drain(shop.inventoryBlocking().watchStock(
                WatchStockRequest.newBuilder().setSku("no-such-sku").setUpdates(2).build())));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> drain(shop.inventoryBlocking().watchStock(
                WatchStockRequest.newBuilder().setSku("banana").setUpdates(0).build())));
    }

    @Test
    void reserveStreamRepliesToEachRequest() throws Exception {
        Recorder<ReserveReply> replies = new Recorder<>();
        StreamObserver<ReserveRequest> requests = shop.inventoryAsync().reserveStream(replies);
        requests.onNext(reservation("durian", 1));
        requests.onNext(reservation("durian", 2));
        requests.onNext(reservation("apple", 1));
        requests.onCompleted();

        assertEquals(Status.Code.OK, replies.awaitCode());
        assertEquals(3, replies.values().size());
        assertEquals(2, replies.values().get(1).getReserved());
    }

    @Test
    void reserveStreamEndsWithTheStatusOfTheFirstBadRequest() throws Exception {
        Recorder<ReserveReply> replies = new Recorder<>();
        StreamObserver<ReserveRequest> requests = shop.inventoryAsync().reserveStream(replies);
        requests.onNext(reservation("apple", 1));
        requests.onNext(reservation("no-such-sku", 1));
        requests.onNext(reservation("apple", 1));
        requests.onCompleted();

        assertEquals(Status.Code.NOT_FOUND, replies.awaitCode());
        assertEquals(1, replies.values().size());
    }

    @Test
    void placeOrderReservesThroughInventoryAndConfirms() {
        PlaceOrderReply reply = shop.ordersBlocking().placeOrder(order("ann", "apple", 2));

        assertEquals(OrdersService.CONFIRMED, reply.getStatus());
        assertTrue(reply.getOrderId().startsWith("ord-"), reply.getOrderId());
    }

    @Test
    void placeOrderPassesOnTheInventoryStatus() {
        assertCode(Status.Code.NOT_FOUND, () -> shop.ordersBlocking().placeOrder(order("ann", "no-such-sku", 1)));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> shop.ordersBlocking().placeOrder(order("ann", "apple", 0)));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> shop.ordersBlocking().placeOrder(order("", "apple", 1)));
    }

    @Test
    void trackOrderSendsTheRequestedNumberOfUpdatesEndingDelivered() {
        String orderId = shop.ordersBlocking().placeOrder(order("bob", "banana", 1)).getOrderId();

        List<OrderUpdate> updates = drain(shop.ordersBlocking().trackOrder(
                TrackOrderRequest.newBuilder().setOrderId(orderId).setUpdates(4).build()));

        assertEquals(4, updates.size());
        assertEquals("RESERVED", updates.get(0).getState());
        assertEquals("DELIVERED", updates.get(3).getState());
        for (OrderUpdate update : updates) {
            assertEquals(orderId, update.getOrderId());
        }
    }

    @Test
    void trackOrderOfAnUnknownOrderIsNotFound() {
        assertCode(Status.Code.NOT_FOUND, () -> drain(shop.ordersBlocking().trackOrder(
                TrackOrderRequest.newBuilder().setOrderId("ord-unknown").setUpdates(2).build())));
    }

    @Test
    void placeBulkCountsAcceptedAndRejectedOrders() throws Exception {
        Recorder<BulkReply> reply = new Recorder<>();
        StreamObserver<PlaceOrderRequest> requests = shop.ordersAsync().placeBulk(reply);
        requests.onNext(order("cy", "apple", 1));
        requests.onNext(order("cy", "banana", 2));
        requests.onNext(order("cy", "cherry", 3));
        requests.onNext(order("cy", "no-such-sku", 1));
        requests.onNext(order("", "apple", 1));
        requests.onCompleted();

        assertEquals(Status.Code.OK, reply.awaitCode());
        assertEquals(1, reply.values().size());
        assertEquals(3, reply.values().get(0).getAccepted());
        assertEquals(2, reply.values().get(0).getRejected());
    }

    @Test
    void chatEchoesAndReservesThroughTheInventoryStream() throws Exception {
        Recorder<ChatMessage> replies = new Recorder<>();
        StreamObserver<ChatMessage> messages = shop.ordersAsync().chat(replies);
        messages.onNext(chat("hello"));
        messages.onNext(chat("reserve durian 2"));
        messages.onNext(chat("reserve durian lots"));
        messages.onCompleted();

        assertEquals(Status.Code.OK, replies.awaitCode());
        List<String> texts = new ArrayList<>();
        for (ChatMessage reply : replies.values()) {
            texts.add(reply.getText());
        }
        assertEquals(3, texts.size(), texts.toString());
        assertTrue(texts.contains("echo: hello"), texts.toString());
        assertTrue(texts.contains("usage: reserve <sku> <quantity>"), texts.toString());
        assertTrue(texts.stream().anyMatch(text -> text.startsWith("reserved 2 durian, ")), texts.toString());
    }

    @Test
    void chatFailsWithTheInventoryStatus() throws Exception {
        Recorder<ChatMessage> replies = new Recorder<>();
        StreamObserver<ChatMessage> messages = shop.ordersAsync().chat(replies);
        messages.onNext(chat("reserve no-such-sku 1"));
        messages.onCompleted();

        Status status = replies.awaitStatus();
        assertEquals(Status.Code.NOT_FOUND, status.getCode());
        String description = String.valueOf(status.getDescription());
        assertTrue(description.startsWith("inventory: "), description);
    }

    static void assertCode(Status.Code expected, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(expected, e.getStatus().getCode(), e.getStatus().toString());
    }

    static <T> List<T> drain(Iterator<T> stream) {
        List<T> all = new ArrayList<>();
        while (stream.hasNext()) {
            all.add(stream.next());
        }
        return all;
    }

    static ReserveRequest reservation(String sku, int quantity) {
        return ReserveRequest.newBuilder().setSku(sku).setQuantity(quantity).build();
    }

    static PlaceOrderRequest order(String customer, String sku, int quantity) {
        return PlaceOrderRequest.newBuilder().setCustomer(customer).setSku(sku).setQuantity(quantity).build();
    }

    static ChatMessage chat(String text) {
        return ChatMessage.newBuilder().setText(text).build();
    }
}
