package dev.grpcobs.demo.server;

import dev.grpcobs.demo.proto.ChatMessage;
import dev.grpcobs.demo.proto.InventoryGrpc;
import dev.grpcobs.demo.proto.ReserveReply;
import dev.grpcobs.demo.proto.ReserveRequest;
import io.grpc.stub.StreamObserver;

/**
 * One Chat call: echoes plain messages and sends {@code reserve <sku> <quantity>} through a single
 * Inventory.ReserveStream call that lives as long as the chat. The chat ends once the inventory stream has.
 */
final class ChatHandler implements StreamObserver<ChatMessage> {

    private static final String RESERVE_COMMAND = "reserve";

    // Replies come both from the client's messages and from the inventory's, so writes are synchronized on this.
    private final StreamObserver<ChatMessage> responses;
    private final StreamObserver<ReserveRequest> toInventory;
    private boolean closed;

    ChatHandler(StreamObserver<ChatMessage> responses, InventoryGrpc.InventoryStub inventory) {
        this.responses = responses;
        this.toInventory = inventory.reserveStream(new InventoryReplies());
    }

    @Override
    public void onNext(ChatMessage message) {
        String text = message.getText();
        if (!words(text)[0].equals(RESERVE_COMMAND)) {
            say("echo: " + text);
            return;
        }
        ReserveRequest reservation = parseReservation(text);
        if (reservation == null) {
            say("usage: reserve <sku> <quantity>");
        } else {
            toInventory.onNext(reservation);
        }
    }

    @Override
    public void onError(Throwable t) {
        toInventory.onError(t);
    }

    @Override
    public void onCompleted() {
        toInventory.onCompleted();
    }

    /** Parses {@code reserve <sku> <quantity>}, or returns null if the text does not have that shape. */
    static ReserveRequest parseReservation(String text) {
        String[] words = words(text);
        if (words.length != 3 || !words[0].equals(RESERVE_COMMAND)) {
            return null;
        }
        try {
            return ReserveRequest.newBuilder().setSku(words[1]).setQuantity(Integer.parseInt(words[2])).build();
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String[] words(String text) {
        return text.trim().split("\\s+");
    }

    private synchronized void say(String text) {
        if (!closed) {
            responses.onNext(ChatMessage.newBuilder().setText(text).build());
        }
    }

    private synchronized void fail(Throwable t) {
        if (!closed) {
            closed = true;
            responses.onError(InventoryRelay.fromInventory(t));
        }
    }

    private synchronized void finish() {
        if (!closed) {
            closed = true;
            responses.onCompleted();
        }
    }

    private final class InventoryReplies implements StreamObserver<ReserveReply> {
        @Override
        public void onNext(ReserveReply reply) {
            say("reserved " + reply.getReserved() + " " + reply.getSku() + ", " + reply.getRemaining() + " left");
        }

        @Override
        public void onError(Throwable t) {
            fail(t);
        }

        @Override
        public void onCompleted() {
            finish();
        }
    }
}
