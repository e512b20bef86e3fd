package dev.grpcobs.demo.server;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Applies a server's configured latency and injected failures to every call it serves.
 *
 * <p>Delays go through a scheduled executor so that no gRPC thread ever sleeps. Each call is decided once,
 * when it starts: either it fails with UNAVAILABLE after the delay, or its handler starts after the delay.
 */
final class FaultInjector {

    private final double errorRate;
    private final long latencyMs;
    private final long jitterMs;
    private final Random random;
    private final ScheduledExecutorService scheduler;

    FaultInjector(ServerOptions options, ScheduledExecutorService scheduler) {
        this.errorRate = options.errorRate();
        this.latencyMs = options.latencyMs();
        this.jitterMs = options.latencyJitterMs();
        this.random = new Random(options.seed());
        this.scheduler = scheduler;
    }

    /**
     * Serves a unary or server-streaming call by running {@code handler}, unless the call is picked to fail.
     * A {@link StatusRuntimeException} the handler throws before responding becomes the call's status.
     */
    void handle(StreamObserver<?> responses, Runnable handler) {
        ignoreLateResponses(responses);
        Runnable work = shouldFail() ? () -> failInjected(responses) : handler;
        afterDelay(() -> runGuarded(responses, work));
    }

    /**
     * Serves a client-streaming or bidi call: returns the observer gRPC should feed with the client's messages.
     * Messages arriving during the delay are buffered and handed to the handler in order once it starts.
     */
    <ReqT> StreamObserver<ReqT> handleStream(StreamObserver<?> responses, Supplier<StreamObserver<ReqT>> handler) {
        ignoreLateResponses(responses);
        if (shouldFail()) {
            afterDelay(() -> failInjected(responses));
            return new DiscardingObserver<>();
        }
        if (!hasLatency()) {
            return handler.get();
        }
        DelayedRequestObserver<ReqT> delayed = new DelayedRequestObserver<>();
        afterDelay(() -> runGuarded(responses, () -> delayed.start(handler.get())));
        return delayed;
    }

    private boolean shouldFail() {
        return errorRate > 0 && random.nextDouble() < errorRate;
    }

    private boolean hasLatency() {
        return latencyMs > 0 || jitterMs > 0;
    }

    private void afterDelay(Runnable task) {
        if (!hasLatency()) {
            task.run();
            return;
        }
        long delayMs = latencyMs + (jitterMs > 0 ? (long) (random.nextDouble() * (jitterMs + 1)) : 0);
        // Carrying the call's Context over keeps its deadline and cancellation for calls made by the handler.
        scheduler.schedule(Context.current().wrap(task), delayMs, TimeUnit.MILLISECONDS);
    }

    private static void failInjected(StreamObserver<?> responses) {
        responses.onError(Status.UNAVAILABLE.withDescription("injected fault").asRuntimeException());
    }

    private static void runGuarded(StreamObserver<?> responses, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            responses.onError(Status.fromThrowable(e).asRuntimeException());
        }
    }

    /**
     * Deferred work may answer after the client has gone; with a cancel handler set, gRPC drops such late
     * messages instead of throwing. Handlers that keep sending check {@code isCancelled()} themselves.
     */
    private static void ignoreLateResponses(StreamObserver<?> responses) {
        if (responses instanceof ServerCallStreamObserver) {
            ((ServerCallStreamObserver<?>) responses).setOnCancelHandler(() -> { });
        }
    }

    /** Swallows the client's messages on a call that has already been failed. */
    private static final class DiscardingObserver<T> implements StreamObserver<T> {
        @Override
        public void onNext(T value) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }
}
