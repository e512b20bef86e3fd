package dev.grpcobs.demo.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.Function;

/** Passes an Inventory reply stream on to an Orders caller, converting each message and keeping the status code. */
final class InventoryRelay<UpT, DownT> implements StreamObserver<UpT> {

    private final StreamObserver<DownT> responses;
    private final Function<UpT, DownT> convert;

    InventoryRelay(StreamObserver<DownT> responses, Function<UpT, DownT> convert) {
        this.responses = responses;
        this.convert = convert;
    }

    @Override
    public void onNext(UpT value) {
        responses.onNext(convert.apply(value));
    }

    @Override
    public void onError(Throwable t) {
        responses.onError(fromInventory(t));
    }

    @Override
    public void onCompleted() {
        responses.onCompleted();
    }

    /** The caller sees the inventory's own code (NOT_FOUND, UNAVAILABLE, ...), not a generic failure. */
    static StatusRuntimeException fromInventory(Throwable t) {
        Status status = Status.fromThrowable(t);
        return status.withDescription("inventory: " + status.getDescription()).asRuntimeException();
    }
}
