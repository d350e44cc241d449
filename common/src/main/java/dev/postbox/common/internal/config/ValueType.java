package dev.postbox.common.internal.config;

import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.common.SqlIdentifiers;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * How the text of a key becomes a typed value. {@link #parse} receives trimmed, non-blank text and throws
 * {@link IllegalArgumentException} whose message says what is allowed ({@code must be true or false}); the reader
 * turns that into the one error shape of {@link PostboxConfigurationException}.
 *
 * @param <T> the Java type of the value
 */
public interface ValueType<T> {

    T parse(String text);

    /** What is allowed, as the end of a sentence starting with the key: {@code must be an integer from 1 to 10}. */
    String allowed();

    /** This type with one more rule on the parsed value. */
    default ValueType<T> and(Predicate<? super T> ok, String allowed) {
        ValueType<T> base = this;
        return of(allowed, text -> {
            T value = base.parse(text);
            if (!ok.test(value)) {
                throw new IllegalArgumentException(allowed);
            }
            return value;
        });
    }

    /** A type from a parser that throws {@link IllegalArgumentException} (any message) on bad input. */
    static <T> ValueType<T> of(String allowed, Function<String, T> parser) {
        Objects.requireNonNull(allowed, "allowed");
        return new ValueType<>() {
            @Override
            public T parse(String text) {
                try {
                    return parser.apply(text);
                } catch (PostboxConfigurationException e) {
                    throw new IllegalArgumentException(e.problem(), e);
                } catch (IllegalArgumentException e) {
                    // keep a specific reason (e.g. the SQL identifier rule), else say what is allowed
                    throw new IllegalArgumentException(e.getMessage() != null && e.getMessage().startsWith("must")
                            ? e.getMessage() : allowed, e);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(allowed, e);
                }
            }

            @Override
            public String allowed() {
                return allowed;
            }
        };
    }

    /** Any non-blank text. */
    static ValueType<String> string() {
        return of("must not be empty", text -> text);
    }

    /** Only {@code true} or {@code false}, in any case: one rule for every boolean key. */
    static ValueType<Boolean> bool() {
        return of("must be true or false", text -> {
            if (text.equalsIgnoreCase("true")) {
                return true;
            }
            if (text.equalsIgnoreCase("false")) {
                return false;
            }
            throw new IllegalArgumentException();
        });
    }

    static ValueType<Integer> integer(int min, int max) {
        String allowed = "must be an integer " + range(min, max, Integer.MAX_VALUE);
        return of(allowed, text -> {
            int n = Integer.parseInt(text);
            if (n < min || n > max) {
                throw new IllegalArgumentException(allowed);
            }
            return n;
        });
    }

    static ValueType<Long> longInteger(long min, long max) {
        String allowed = "must be an integer " + range(min, max, Long.MAX_VALUE);
        return of(allowed, text -> {
            long n = Long.parseLong(text);
            if (n < min || n > max) {
                throw new IllegalArgumentException(allowed);
            }
            return n;
        });
    }

    static ValueType<Double> decimal(double min, double max) {
        String allowed = "must be a number " + (max == Double.MAX_VALUE ? "of at least " + plain(min)
                : "from " + plain(min) + " to " + plain(max));
        return of(allowed, text -> {
            double d = Double.parseDouble(text);
            if (!(d >= min && d <= max)) {
                throw new IllegalArgumentException(allowed);
            }
            return d;
        });
    }

    /** A duration in the one grammar ({@link Durations}), at least {@code min} (zero or positive). */
    static ValueType<Duration> duration(boolean zeroAllowed) {
        String allowed = (zeroAllowed ? "must be a duration of 0 or more: " : "must be a positive duration: ")
                + Durations.GRAMMAR;
        return of(allowed, text -> {
            Duration d = Durations.parse(text);
            if (d.isNegative() || (!zeroAllowed && d.isZero())) {
                throw new IllegalArgumentException(allowed);
            }
            return d;
        });
    }

    /** One of a fixed set of words, in any case; the value is the word as declared. */
    static ValueType<String> choice(String... allowedValues) {
        List<String> values = List.of(allowedValues);
        String allowed = "must be one of " + String.join(", ", values);
        return of(allowed, text -> values.stream().filter(v -> v.equalsIgnoreCase(text)).findFirst()
                .orElseThrow(IllegalArgumentException::new));
    }

    /** A table (or schema) name checked by {@link SqlIdentifiers#require}. */
    static ValueType<String> table() {
        return of("must be a lower-case SQL identifier matching " + SqlIdentifiers.PATTERN_TEXT,
                text -> SqlIdentifiers.require("", text));
    }

    /** An optionally schema-qualified table name checked by {@link SqlIdentifiers#requireQualified}. */
    static ValueType<String> qualifiedTable() {
        return of("must be 'table' or 'schema.table', each part matching " + SqlIdentifiers.PATTERN_TEXT,
                text -> SqlIdentifiers.requireQualified("", text));
    }

    /** Comma-separated items, each trimmed; empty items are dropped. */
    static ValueType<List<String>> list() {
        return of("must be a comma-separated list", text -> {
            List<String> items = Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .toList();
            if (items.isEmpty()) {
                throw new IllegalArgumentException();
            }
            return items;
        });
    }

    private static String range(long min, long max, long unbounded) {
        return max == unbounded ? "of at least " + min : "from " + min + " to " + max;
    }

    private static String plain(double d) {
        return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }
}
