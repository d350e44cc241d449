package dev.postbox.console.internal;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The query parameters of one console request, validated: every problem is a 400 naming the parameter, what was
 * given and what is allowed. Unknown parameters are refused too, so a misspelt filter never silently shows
 * everything.
 */
final class Params {

    /**
     * The instants a filter or cursor may name: years 1 to 9999. PostgreSQL's {@code timestamptz} and the JDBC
     * driver take no more (an instant such as {@code +100000-01-01T00:00:00Z} parses in Java, then fails in the
     * query as a 500).
     */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;

    private final Map<String, String[]> values;

    Params(Map<String, String[]> values, Set<String> allowed) {
        this.values = values;
        for (Map.Entry<String, String[]> entry : values.entrySet()) {
            String name = entry.getKey();
            if (name.isEmpty() && Arrays.stream(entry.getValue()).allMatch(v -> v == null || v.isEmpty())) {
                // Open Liberty reports an empty POST body (the page's replay buttons send none) as the parameter
                // "" with value "": nothing was given, so nothing is unknown
                continue;
            }
            if (!allowed.contains(name)) {
                throw ConsoleException.badRequest("unknown parameter '" + name + "'; this resource takes "
                        + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
    }

    Optional<String> text(String name) {
        String[] v = values.get(name);
        if (v == null || v.length == 0 || v[0] == null || v[0].isBlank()) {
            return Optional.empty();
        }
        if (v.length > 1) {
            throw ConsoleException.badRequest("parameter '" + name + "' given " + v.length + " times; give it once");
        }
        return Optional.of(v[0].trim());
    }

    int limit() {
        Optional<String> raw = text("limit");
        if (raw.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw.get());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ConsoleException.badRequest("limit=" + shown(raw.get()) + " is not allowed: give a whole number from 1 to "
                + MAX_LIMIT + " and page on with the cursor");
    }

    /** A required count: a whole number of at least 0. */
    long count(String name) {
        String raw = text(name).orElseThrow(() -> ConsoleException.badRequest("parameter '" + name
                + "' is required"));
        try {
            long value = Long.parseLong(raw);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ConsoleException.badRequest(name + "=" + shown(raw) + " is not a count: give a whole number of at "
                + "least 0");
    }

    Optional<Instant> instant(String name) {
        return text(name).map(raw -> {
            Instant at;
            try {
                at = Instant.parse(raw);
            } catch (DateTimeParseException e) {
                throw ConsoleException.badRequest(name + "=" + shown(raw) + " is not an ISO-8601 instant such as "
                        + "2026-12-02T04:00:00Z");
            }
            if (!inRange(at)) {
                throw ConsoleException.badRequest(name + "=" + shown(raw) + " is out of range: give an instant "
                        + "from " + EARLIEST + " to " + LATEST);
            }
            return at;
        });
    }

    static boolean inRange(Instant at) {
        return !at.isBefore(EARLIEST) && !at.isAfter(LATEST);
    }

    /** from/to as a half-open range [from, to); 400 when from is not before to. */
    Range range() {
        Optional<Instant> from = instant("from");
        Optional<Instant> to = instant("to");
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw ConsoleException.badRequest("from=" + from.get() + " must be before to=" + to.get());
        }
        return new Range(from.orElse(null), to.orElse(null));
    }

    Optional<Cursor> cursor() {
        return text("cursor").map(Cursor::decode);
    }

    /** A comma-separated list of enum names (any case); 400 naming the allowed values for an unknown one. */
    <E extends Enum<E>> Set<E> statuses(String name, Class<E> type) {
        Optional<String> raw = text(name);
        if (raw.isEmpty()) {
            return Set.of();
        }
        Set<E> set = new LinkedHashSet<>();
        for (String s : raw.get().split(",")) {
            try {
                set.add(Enum.valueOf(type, s.trim().toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw ConsoleException.badRequest("unknown " + name + " '" + shown(s.trim()) + "'; allowed: "
                        + Arrays.toString(EnumSet.allOf(type).toArray()));
            }
        }
        return set;
    }

    static UUID uuid(String what, String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw ConsoleException.badRequest(what + " '" + shown(text) + "' is not a UUID");
        }
    }

    /** A value echoed in a message: shortened, so a huge parameter does not come back whole. */
    private static String shown(String raw) {
        return raw.length() > 60 ? raw.substring(0, 60) + "..." : raw;
    }

    /** A half-open time range; either end may be open (null). */
    record Range(Instant from, Instant to) {
    }
}
