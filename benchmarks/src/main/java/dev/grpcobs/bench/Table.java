package dev.grpcobs.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Rows of text rendered either as aligned plain-text columns or as a Markdown table. */
final class Table {

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... headers) {
        this.headers = Arrays.asList(headers);
    }

    void row(String... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("expected " + headers.size() + " cells, got " + cells.length);
        }
        rows.add(Arrays.asList(cells));
    }

    /** The first column left-aligned (names), the others right-aligned (numbers), two spaces apart. */
    String plain() {
        int[] widths = new int[headers.size()];
        for (List<String> line : allLines()) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> line : allLines()) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                if (i > 0) {
                    text.append("  ");
                }
                text.append(i == 0 ? padRight(line.get(i), widths[i]) : padLeft(line.get(i), widths[i]));
            }
            out.append(text.toString().replaceAll("\\s+$", "")).append('\n');
        }
        return out.toString();
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        appendMarkdownRow(out, headers);
        out.append("|---");
        for (int i = 1; i < headers.size(); i++) {
            out.append("|---:");
        }
        out.append("|\n");
        for (List<String> row : rows) {
            appendMarkdownRow(out, row);
        }
        return out.toString();
    }

    private List<List<String>> allLines() {
        List<List<String>> lines = new ArrayList<>();
        lines.add(headers);
        lines.addAll(rows);
        return lines;
    }

    private static void appendMarkdownRow(StringBuilder out, List<String> cells) {
        out.append('|');
        for (String cell : cells) {
            out.append(' ').append(cell.replace("|", "\\|")).append(" |");
        }
        out.append('\n');
    }

    private static String padRight(String text, int width) {
        StringBuilder out = new StringBuilder(text);
        while (out.length() < width) {
            out.append(' ');
        }
        return out.toString();
    }

    private static String padLeft(String text, int width) {
        StringBuilder out = new StringBuilder();
        while (out.length() + text.length() < width) {
            out.append(' ');
        }
        return out.append(text).toString();
    }
}
