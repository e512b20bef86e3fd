package dev.grpcobs.demo;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Command-line options of the form {@code --name value} or {@code --name=value}. */
final class Args {

    private final Map<String, String> values;

    private Args(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Parses {@code argv} from index {@code from}, accepting only the {@code allowed} option names.
     *
     * @throws IllegalArgumentException on an unknown option or one without a value
     */
    static Args parse(String[] argv, int from, String... allowed) {
        Set<String> known = new HashSet<>(Arrays.asList(allowed));
        Map<String, String> values = new HashMap<>();
        for (int i = from; i < argv.length; i++) {
            String arg = argv[i];
            String name;
            String value;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else {
                name = arg;
                if (i + 1 >= argv.length) {
                    throw new IllegalArgumentException("option " + name + " needs a value");
                }
                value = argv[++i];
            }
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option " + name);
            }
            values.put(name, value);
        }
        return new Args(values);
    }

    String string(String name, String fallback) {
        String value = values.get(name);
        return value == null ? fallback : value;
    }

    String required(String name) {
        String value = values.get(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("option " + name + " is required");
        }
        return value;
    }

    int intValue(String name, int fallback) {
        String value = values.get(name);
        try {
            return value == null ? fallback : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'");
        }
    }

    long longValue(String name, long fallback) {
        String value = values.get(name);
        try {
            return value == null ? fallback : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'");
        }
    }

    double doubleValue(String name, double fallback) {
        String value = values.get(name);
        try {
            return value == null ? fallback : Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
        }
    }
}
