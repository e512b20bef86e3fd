package dev.grpcobs.demo.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Recent orders and their SKU, so TrackOrder can find them. The oldest are forgotten to bound memory. */
final class OrderBook {

    private static final int CAPACITY = 100_000;

    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<String, String> skuByOrder = Collections.synchronizedMap(
            new LinkedHashMap<String, String>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > CAPACITY;
                }
            });

    /** Records an order for {@code sku} and returns its new id. */
    String add(String sku) {
        String orderId = "ord-" + nextId.getAndIncrement();
        skuByOrder.put(orderId, sku);
        return orderId;
    }

    /**
     * The SKU ordered by {@code orderId}.
     *
     * @throws StatusRuntimeException NOT_FOUND for an order this book does not know
     */
    String skuOf(String orderId) {
        String sku = skuByOrder.get(orderId);
        if (sku == null) {
            throw Status.NOT_FOUND.withDescription("unknown order: " + orderId).asRuntimeException();
        }
        return sku;
    }
}
