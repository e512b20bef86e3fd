package dev.grpcobs.demo.load;

import dev.grpcobs.demo.Catalog;
import dev.grpcobs.demo.proto.BulkReply;
import dev.grpcobs.demo.proto.ChatMessage;
import dev.grpcobs.demo.proto.OrderUpdate;
import dev.grpcobs.demo.proto.OrdersGrpc;
import dev.grpcobs.demo.proto.PlaceOrderReply;
import dev.grpcobs.demo.proto.PlaceOrderRequest;
import dev.grpcobs.demo.proto.TrackOrderRequest;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts one Orders call of a given kind without blocking and reports its final status. Requests are random
 * but realistic, with a few bad ones so that NOT_FOUND, INVALID_ARGUMENT and FAILED_PRECONDITION show up.
 */
final class ShopCalls {

    /** Receives the final status of a call, exactly once. */
    interface Done {
        void onDone(Status status);
    }

    private final OrdersGrpc.OrdersStub orders;
    private final Random random;
    private final long deadlineMs;
    // TrackOrder follows the latest confirmed order; the starting id is unknown, so early tracks get NOT_FOUND.
    private final AtomicReference<String> lastOrderId = new AtomicReference<>("ord-0");

    ShopCalls(Channel channel, Random random, long deadlineMs) {
        this.orders = OrdersGrpc.newStub(channel);
        this.random = random;
        this.deadlineMs = deadlineMs;
    }

    void start(CallKind kind, Done done) {
        switch (kind) {
            case PLACE_ORDER:
                placeOrder(done);
                break;
            case TRACK_ORDER:
                trackOrder(done);
                break;
            case PLACE_BULK:
                placeBulk(done);
                break;
            case CHAT:
                chat(done);
                break;
            default:
                throw new IllegalArgumentException("unknown call kind " + kind);
        }
    }

    private void placeOrder(Done done) {
        stub().placeOrder(randomOrder(), new Outcome<PlaceOrderReply>(done) {
            @Override
            public void onNext(PlaceOrderReply reply) {
                lastOrderId.set(reply.getOrderId());
            }
        });
    }

    private void trackOrder(Done done) {
        TrackOrderRequest request = TrackOrderRequest.newBuilder()
                .setOrderId(lastOrderId.get())
                .setUpdates(1 + random.nextInt(5))
                .build();
        stub().trackOrder(request, new Outcome<OrderUpdate>(done));
    }

    private void placeBulk(Done done) {
        StreamObserver<PlaceOrderRequest> requests = stub().placeBulk(new Outcome<BulkReply>(done));
        int orderCount = 2 + random.nextInt(4);
        for (int i = 0; i < orderCount; i++) {
            requests.onNext(randomOrder());
        }
        requests.onCompleted();
    }

    private void chat(Done done) {
        StreamObserver<ChatMessage> messages = stub().chat(new Outcome<ChatMessage>(done));
        messages.onNext(chatMessage("hello"));
        messages.onNext(chatMessage("reserve " + regularSku() + " 1"));
        messages.onNext(chatMessage("bye"));
        messages.onCompleted();
    }

    /** Every call gets its own deadline, so a load run always drains. */
    private OrdersGrpc.OrdersStub stub() {
        return orders.withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS);
    }

    private PlaceOrderRequest randomOrder() {
        boolean badQuantity = random.nextInt(100) < 2;
        return PlaceOrderRequest.newBuilder()
                .setCustomer("customer-" + random.nextInt(100))
                .setSku(randomSku())
                .setQuantity(badQuantity ? 0 : 1 + random.nextInt(3))
                .build();
    }

    /** Mostly regular SKUs; 5 % unknown ones (NOT_FOUND) and 2 % the scarce one (soon FAILED_PRECONDITION). */
    private String randomSku() {
        int roll = random.nextInt(100);
        if (roll < 5) {
            return "no-such-sku-" + random.nextInt(10);
        }
        if (roll < 7) {
            return Catalog.SCARCE_SKU;
        }
        return regularSku();
    }

    private String regularSku() {
        return Catalog.REGULAR_SKUS.get(random.nextInt(Catalog.REGULAR_SKUS.size()));
    }

    private static ChatMessage chatMessage(String text) {
        return ChatMessage.newBuilder().setText(text).build();
    }

    /** Ignores the replies and reports how the call ended. */
    private static class Outcome<T> implements StreamObserver<T> {

        private final Done done;

        Outcome(Done done) {
            this.done = done;
        }

        @Override
        public void onNext(T value) {
        }

        @Override
        public void onError(Throwable t) {
            done.onDone(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            done.onDone(Status.OK);
        }
    }
}
