package dev.grpcobs.demo;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** What the shop sells. The inventory stocks these SKUs and the load generator orders them. */
public final class Catalog {

    /** Everyday SKUs: the supplier restocks them as soon as they run out. */
    public static final List<String> REGULAR_SKUS =
            Collections.unmodifiableList(Arrays.asList("apple", "banana", "cherry", "durian"));

    /** A SKU with a few units and no restocking, so orders for it end in FAILED_PRECONDITION. */
    public static final String SCARCE_SKU = "golden-ticket";

    /** Shelf size of a regular SKU. */
    public static final long REGULAR_CAPACITY = 1000;

    /** Units of {@link #SCARCE_SKU} a fresh inventory holds. */
    public static final long SCARCE_STOCK = 5;

    /** Largest quantity one reservation may ask for; more is INVALID_ARGUMENT. */
    public static final int MAX_QUANTITY = 100;

    private Catalog() {
    }
}
