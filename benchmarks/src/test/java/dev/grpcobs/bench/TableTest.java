package dev.grpcobs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void plainAlignsNamesLeftAndNumbersRight() {
        Table table = new Table("variant", "calls/s");
        table.row("none", "1234.5");
        table.row("metrics", "99.0");
        assertEquals("variant  calls/s\n"
                + "none      1234.5\n"
                + "metrics     99.0\n", table.plain());
    }

    @Test
    void markdownRightAlignsNumberColumns() {
        Table table = new Table("variant", "calls/s");
        table.row("none", "1234.5");
        assertEquals("| variant | calls/s |\n|---|---:|\n| none | 1234.5 |\n", table.markdown());
    }
}
