package dev.grpcobs.demo.server;

import dev.grpcobs.demo.proto.BulkReply;
import dev.grpcobs.demo.proto.ChatMessage;
import dev.grpcobs.demo.proto.InventoryGrpc;
import dev.grpcobs.demo.proto.OrderUpdate;
import dev.grpcobs.demo.proto.OrdersGrpc;
import dev.grpcobs.demo.proto.PlaceOrderReply;
import dev.grpcobs.demo.proto.PlaceOrderRequest;
import dev.grpcobs.demo.proto.ReserveRequest;
import dev.grpcobs.demo.proto.StockLevel;
import dev.grpcobs.demo.proto.TrackOrderRequest;
import dev.grpcobs.demo.proto.WatchStockRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.Function;

/**
 * The {@code shop.Orders} service. Every call fans out to the Inventory service, so one client call shows up
 * as a server call here plus client calls to the inventory.
 */
public final class OrdersService extends OrdersGrpc.OrdersImplBase {

    static final String CONFIRMED = "CONFIRMED";

    private final InventoryGrpc.InventoryStub inventory;
    private final FaultInjector faults;
    private final OrderBook orders = new OrderBook();

    OrdersService(InventoryGrpc.InventoryStub inventory, FaultInjector faults) {
        this.inventory = inventory;
        this.faults = faults;
    }

    @Override
    public void placeOrder(PlaceOrderRequest request, StreamObserver<PlaceOrderReply> responses) {
        faults.handle(responses, () -> inventory.reserve(toReservation(request),
                new InventoryRelay<>(responses, reply -> PlaceOrderReply.newBuilder()
                        .setOrderId(orders.add(request.getSku()))
                        .setStatus(CONFIRMED)
                        .build())));
    }

    @Override
    public void trackOrder(TrackOrderRequest request, StreamObserver<OrderUpdate> responses) {
        faults.handle(responses, () -> {
            InventoryService.requireUpdates(request.getUpdates());
            String sku = orders.skuOf(request.getOrderId());
            WatchStockRequest watch = WatchStockRequest.newBuilder()
                    .setSku(sku)
                    .setUpdates(request.getUpdates())
                    .build();
            inventory.watchStock(watch,
                    new InventoryRelay<>(responses, new OrderTracker(request.getOrderId(), request.getUpdates())));
        });
    }

    @Override
    public StreamObserver<PlaceOrderRequest> placeBulk(StreamObserver<BulkReply> responses) {
        return faults.handleStream(responses, () -> new BulkOrderHandler(responses, inventory, orders));
    }

    @Override
    public StreamObserver<ChatMessage> chat(StreamObserver<ChatMessage> responses) {
        return faults.handleStream(responses, () -> new ChatHandler(responses, inventory));
    }

    /**
     * The inventory reservation an order needs. Quantity and SKU are checked by the inventory itself.
     *
     * @throws StatusRuntimeException INVALID_ARGUMENT for an order without a customer
     */
    static ReserveRequest toReservation(PlaceOrderRequest order) {
        if (order.getCustomer().trim().isEmpty()) {
            throw Status.INVALID_ARGUMENT.withDescription("customer is required").asRuntimeException();
        }
        return ReserveRequest.newBuilder().setSku(order.getSku()).setQuantity(order.getQuantity()).build();
    }

    /** Turns the n-th of {@code total} stock updates into an order state, from RESERVED to DELIVERED. */
    static final class OrderTracker implements Function<StockLevel, OrderUpdate> {

        private static final String[] STATES = {"RESERVED", "PACKED", "SHIPPED", "DELIVERED"};

        private final String orderId;
        private final int total;
        private int sent;

        OrderTracker(String orderId, int total) {
            this.orderId = orderId;
            this.total = total;
        }

        @Override
        public OrderUpdate apply(StockLevel level) {
            return OrderUpdate.newBuilder().setOrderId(orderId).setState(stateAt(sent++, total)).build();
        }

        static String stateAt(int index, int total) {
            if (total <= 1 || index >= total - 1) {
                return STATES[STATES.length - 1];
            }
            return STATES[index * (STATES.length - 1) / (total - 1)];
        }
    }
}
