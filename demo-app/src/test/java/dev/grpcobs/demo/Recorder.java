package dev.grpcobs.demo;

import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Collects the replies and final status of an async call, for tests. */
public final class Recorder<T> implements StreamObserver<T> {

    // Only guards against a hung call stalling the build; no test asserts on how long a call takes.
    private static final long HANG_GUARD_SECONDS = 30;

    private final List<T> values = Collections.synchronizedList(new ArrayList<T>());
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Status status;

    @Override
    public void onNext(T value) {
        values.add(value);
    }

    @Override
    public void onError(Throwable t) {
        status = Status.fromThrowable(t);
        done.countDown();
    }

    @Override
    public void onCompleted() {
        status = Status.OK;
        done.countDown();
    }

    /** Waits for the call to end and returns its status. */
    public Status awaitStatus() throws InterruptedException {
        if (!done.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
            fail("call never finished");
        }
        return status;
    }

    /** Waits for the call to end and returns its status code. */
    public Status.Code awaitCode() throws InterruptedException {
        return awaitStatus().getCode();
    }

    public List<T> values() {
        synchronized (values) {
            return new ArrayList<>(values);
        }
    }
}
