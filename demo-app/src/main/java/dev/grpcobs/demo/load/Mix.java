package dev.grpcobs.demo.load;

import java.util.Locale;
import java.util.Random;

/** Which calls a load run makes. */
public enum Mix {
    /** Only unary PlaceOrder calls: the steadiest traffic, for overhead measurements. */
    UNARY,
    /** 60 % PlaceOrder, 20 % TrackOrder, 10 % PlaceBulk, 10 % Chat: every call shape. */
    ALL;

    CallKind pick(Random random) {
        if (this == UNARY) {
            return CallKind.PLACE_ORDER;
        }
        int roll = random.nextInt(100);
        if (roll < 60) {
            return CallKind.PLACE_ORDER;
        }
        if (roll < 80) {
            return CallKind.TRACK_ORDER;
        }
        return roll < 90 ? CallKind.PLACE_BULK : CallKind.CHAT;
    }

    /** Parses {@code unary} or {@code all}, in any case. */
    public static Mix parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mix must be 'unary' or 'all', got '" + name + "'");
        }
    }
}
