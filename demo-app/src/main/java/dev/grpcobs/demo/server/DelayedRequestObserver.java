package dev.grpcobs.demo.server;

import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds a call's inbound events until its handler starts, then replays them in order and passes later ones
 * straight through. Lets latency be added to streaming calls without blocking the thread that delivers them.
 */
final class DelayedRequestObserver<T> implements StreamObserver<T> {

    private final Object lock = new Object();
    private final List<Runnable> pending = new ArrayList<>();
    private StreamObserver<T> delegate;

    /** Hands over to {@code handler}: everything received so far first, then everything that follows. */
    void start(StreamObserver<T> handler) {
        synchronized (lock) {
            delegate = handler;
            for (Runnable event : pending) {
                event.run();
            }
            pending.clear();
        }
    }

    @Override
    public void onNext(T value) {
        deliver(() -> delegate.onNext(value));
    }

    @Override
    public void onError(Throwable t) {
        deliver(() -> delegate.onError(t));
    }

    @Override
    public void onCompleted() {
        deliver(() -> delegate.onCompleted());
    }

    private void deliver(Runnable event) {
        // Holding the lock while delivering keeps events ordered with the replay in start().
        synchronized (lock) {
            if (delegate == null) {
                pending.add(event);
            } else {
                event.run();
            }
        }
    }
}
