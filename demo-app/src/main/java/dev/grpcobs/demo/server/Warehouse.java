package dev.grpcobs.demo.server;

import dev.grpcobs.demo.Catalog;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Stock levels per SKU. Thread-safe; failures are thrown as {@link StatusRuntimeException}s with real codes. */
final class Warehouse {

    private static final class Shelf {
        final AtomicLong level;
        final long capacity;
        final boolean restocks;

        Shelf(long capacity, boolean restocks) {
            this.level = new AtomicLong(capacity);
            this.capacity = capacity;
            this.restocks = restocks;
        }
    }

    private final Map<String, Shelf> shelves;

    Warehouse() {
        Map<String, Shelf> stock = new HashMap<>();
        for (String sku : Catalog.REGULAR_SKUS) {
            stock.put(sku, new Shelf(Catalog.REGULAR_CAPACITY, true));
        }
        stock.put(Catalog.SCARCE_SKU, new Shelf(Catalog.SCARCE_STOCK, false));
        this.shelves = Collections.unmodifiableMap(stock);
    }

    /**
     * Takes {@code quantity} units of {@code sku} and returns how many are left.
     *
     * @throws StatusRuntimeException INVALID_ARGUMENT for a quantity outside 1..{@link Catalog#MAX_QUANTITY},
     *     NOT_FOUND for an unknown SKU, FAILED_PRECONDITION when a non-restocking SKU is out of stock
     */
    long reserve(String sku, int quantity) {
        if (quantity < 1 || quantity > Catalog.MAX_QUANTITY) {
            throw Status.INVALID_ARGUMENT
                    .withDescription("quantity must be within 1.." + Catalog.MAX_QUANTITY + ", got " + quantity)
                    .asRuntimeException();
        }
        Shelf shelf = shelf(sku);
        while (true) {
            long level = shelf.level.get();
            long next;
            if (level >= quantity) {
                next = level - quantity;
            } else if (shelf.restocks) {
                // The supplier refills the shelf on the spot, so long load runs never drain regular SKUs.
                next = shelf.capacity - quantity;
            } else {
                throw Status.FAILED_PRECONDITION
                        .withDescription("out of stock: " + sku + " has " + level + ", wanted " + quantity)
                        .asRuntimeException();
            }
            if (shelf.level.compareAndSet(level, next)) {
                return next;
            }
        }
    }

    /**
     * Current stock of {@code sku}.
     *
     * @throws StatusRuntimeException NOT_FOUND for an unknown SKU
     */
    long level(String sku) {
        return shelf(sku).level.get();
    }

    private Shelf shelf(String sku) {
        Shelf shelf = shelves.get(sku);
        if (shelf == null) {
            throw Status.NOT_FOUND.withDescription("unknown sku: " + sku).asRuntimeException();
        }
        return shelf;
    }
}
