package dev.grpcobs.demo.load;

/** The Orders calls the load generator makes, one per streaming shape. */
public enum CallKind {
    /** Unary PlaceOrder. */
    PLACE_ORDER,
    /** Server-streaming TrackOrder. */
    TRACK_ORDER,
    /** Client-streaming PlaceBulk. */
    PLACE_BULK,
    /** Bidirectional Chat. */
    CHAT
}
