package dev.postbox.common.internal.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of every Postbox key: ISO-8601 ({@code PT10S}, {@code PT0.5S}, {@code P7D}, letters in
 * any case) or a whole number with a unit ({@code 500ms}, {@code 10s}, {@code 5m}, {@code 2h}, {@code 1d}), and a
 * plain {@code 0}. A number without a unit is refused (is {@code 500} milliseconds or seconds?).
 */
public final class Durations {

    /** The grammar in words, for error messages and READMEs. */
    public static final String GRAMMAR = "ISO-8601 (PT10S, P7D) or a whole number with a unit ms, s, m, h or d "
            + "(500ms, 10s, 5m, 2h, 1d)";

    private static final Pattern WITH_UNIT = Pattern.compile("^(\\d{1,18})\\s*(ms|s|m|h|d)$");

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException naming the grammar when {@code text} is not a duration
     */
    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("not a duration: " + GRAMMAR);
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        try {
            Matcher m = WITH_UNIT.matcher(t);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            if (t.startsWith("p") || t.startsWith("-p") || t.startsWith("+p")) {
                return Duration.parse(t);
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            // fall through to the message below
        }
        if (t.matches("^\\d+$")) {
            throw new IllegalArgumentException("a number needs a unit: " + GRAMMAR);
        }
        throw new IllegalArgumentException("not a duration: " + GRAMMAR);
    }
}
