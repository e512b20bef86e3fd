package dev.grpcobs.demo.server;

import dev.grpcobs.demo.proto.BulkReply;
import dev.grpcobs.demo.proto.InventoryGrpc;
import dev.grpcobs.demo.proto.PlaceOrderRequest;
import dev.grpcobs.demo.proto.ReserveReply;
import dev.grpcobs.demo.proto.ReserveRequest;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicInteger;

/** One PlaceBulk call: reserves each order as it arrives and replies with the counts once all are settled. */
final class BulkOrderHandler implements StreamObserver<PlaceOrderRequest> {

    private final StreamObserver<BulkReply> responses;
    private final InventoryGrpc.InventoryStub inventory;
    private final OrderBook orders;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger rejected = new AtomicInteger();
    // Starts at 1 for the client's side of the stream, which settles when the client stops sending.
    private final AtomicInteger unsettled = new AtomicInteger(1);

    BulkOrderHandler(StreamObserver<BulkReply> responses, InventoryGrpc.InventoryStub inventory, OrderBook orders) {
        this.responses = responses;
        this.inventory = inventory;
        this.orders = orders;
    }

    @Override
    public void onNext(PlaceOrderRequest order) {
        ReserveRequest reservation;
        try {
            reservation = OrdersService.toReservation(order);
        } catch (StatusRuntimeException e) {
            rejected.incrementAndGet();
            return;
        }
        unsettled.incrementAndGet();
        inventory.reserve(reservation, new StreamObserver<ReserveReply>() {
            @Override
            public void onNext(ReserveReply reply) {
                orders.add(reply.getSku());
                accepted.incrementAndGet();
            }

            @Override
            public void onError(Throwable t) {
                rejected.incrementAndGet();
                settleOne();
            }

            @Override
            public void onCompleted() {
                settleOne();
            }
        });
    }

    @Override
    public void onError(Throwable t) {
        // The client went away; reservations still in flight are cancelled along with the call's Context.
    }

    @Override
    public void onCompleted() {
        settleOne();
    }

    private void settleOne() {
        if (unsettled.decrementAndGet() == 0) {
            responses.onNext(BulkReply.newBuilder()
                    .setAccepted(accepted.get())
                    .setRejected(rejected.get())
                    .build());
            responses.onCompleted();
        }
    }
}
