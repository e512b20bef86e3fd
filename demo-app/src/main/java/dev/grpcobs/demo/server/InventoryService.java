package dev.grpcobs.demo.server;

import dev.grpcobs.demo.proto.InventoryGrpc;
import dev.grpcobs.demo.proto.ReserveReply;
import dev.grpcobs.demo.proto.ReserveRequest;
import dev.grpcobs.demo.proto.StockLevel;
import dev.grpcobs.demo.proto.WatchStockRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The {@code shop.Inventory} service: reservations and stock updates against a {@link Warehouse}. */
public final class InventoryService extends InventoryGrpc.InventoryImplBase {

    /** Most updates one WatchStock call may ask for, so a stream always ends. */
    public static final int MAX_UPDATES = 1000;

    private final Warehouse warehouse;
    private final FaultInjector faults;
    private final ScheduledExecutorService scheduler;
    private final long streamIntervalMs;

    InventoryService(Warehouse warehouse, FaultInjector faults, ScheduledExecutorService scheduler,
            long streamIntervalMs) {
        this.warehouse = warehouse;
        this.faults = faults;
        this.scheduler = scheduler;
        this.streamIntervalMs = streamIntervalMs;
    }

    @Override
    public void reserve(ReserveRequest request, StreamObserver<ReserveReply> responses) {
        faults.handle(responses, () -> {
            responses.onNext(reserveNow(request));
            responses.onCompleted();
        });
    }

    @Override
    public void watchStock(WatchStockRequest request, StreamObserver<StockLevel> responses) {
        ServerCallStreamObserver<StockLevel> call = (ServerCallStreamObserver<StockLevel>) responses;
        faults.handle(responses, () -> {
            requireUpdates(request.getUpdates());
            warehouse.level(request.getSku());
            sendLevel(call, request, 0);
        });
    }

    @Override
    public StreamObserver<ReserveRequest> reserveStream(StreamObserver<ReserveReply> responses) {
        return faults.handleStream(responses, () -> new ReserveStreamHandler(responses));
    }

    private ReserveReply reserveNow(ReserveRequest request) {
        long remaining = warehouse.reserve(request.getSku(), request.getQuantity());
        return ReserveReply.newBuilder()
                .setSku(request.getSku())
                .setReserved(request.getQuantity())
                .setRemaining(remaining)
                .build();
    }

    /** Sends one stock level, then schedules the next one rather than sleeping between them. */
    private void sendLevel(ServerCallStreamObserver<StockLevel> call, WatchStockRequest request, int alreadySent) {
        if (call.isCancelled()) {
            return;
        }
        String sku = request.getSku();
        call.onNext(StockLevel.newBuilder().setSku(sku).setQuantity(warehouse.level(sku)).build());
        int sent = alreadySent + 1;
        if (sent == request.getUpdates()) {
            call.onCompleted();
        } else {
            scheduler.schedule(() -> sendLevel(call, request, sent), streamIntervalMs, TimeUnit.MILLISECONDS);
        }
    }

    static void requireUpdates(int updates) {
        if (updates < 1 || updates > MAX_UPDATES) {
            throw Status.INVALID_ARGUMENT
                    .withDescription("updates must be within 1.." + MAX_UPDATES + ", got " + updates)
                    .asRuntimeException();
        }
    }

    /** One reply per request; the first request that cannot be reserved ends the call with its status. */
    private final class ReserveStreamHandler implements StreamObserver<ReserveRequest> {

        private final StreamObserver<ReserveReply> responses;
        // gRPC delivers one inbound event at a time per call, so a plain field is enough.
        private boolean finished;

        ReserveStreamHandler(StreamObserver<ReserveReply> responses) {
            this.responses = responses;
        }

        @Override
        public void onNext(ReserveRequest request) {
            if (finished) {
                return;
            }
            try {
                responses.onNext(reserveNow(request));
            } catch (StatusRuntimeException e) {
                finished = true;
                responses.onError(e);
            }
        }

        @Override
        public void onError(Throwable t) {
            finished = true;
        }

        @Override
        public void onCompleted() {
            if (!finished) {
                finished = true;
                responses.onCompleted();
            }
        }
    }
}
