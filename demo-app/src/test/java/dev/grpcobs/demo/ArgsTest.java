package dev.grpcobs.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ArgsTest {

    @Test
    void readsSpaceAndEqualsForms() {
        Args args = Args.parse(new String[] {"cmd", "--port", "7", "--error-rate=0.25"}, 1, "--port", "--error-rate");

        assertEquals(7, args.intValue("--port", 0));
        assertEquals(0.25, args.doubleValue("--error-rate", 0));
        assertEquals(3L, args.longValue("--latency-ms", 3));
    }

    @Test
    void rejectsUnknownOptionsMissingValuesAndBadNumbers() {
        assertThrows(IllegalArgumentException.class,
                () -> Args.parse(new String[] {"--nope", "1"}, 0, "--port"));
        assertThrows(IllegalArgumentException.class,
                () -> Args.parse(new String[] {"--port"}, 0, "--port"));
        assertThrows(IllegalArgumentException.class,
                () -> Args.parse(new String[] {"--port", "x"}, 0, "--port").intValue("--port", 0));
        assertThrows(IllegalArgumentException.class,
                () -> Args.parse(new String[0], 0, "--target").required("--target"));
    }
}
