package dev.postbox.common.internal;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The one format in which Postbox describes a failure, in log lines and in stored error texts (the inbox's
 * {@code last_error} and history, the relay's parked events and status).
 *
 * <p>The format is the throwable's {@code toString()} (class name and message), followed by up to
 * {@value #MAX_CAUSES} causes, each after {@code " <- "}, e.g.
 * {@code jakarta.ws.rs.ProcessingException: call failed <- java.net.ConnectException: Connection refused}.
 * The outermost exception says what failed and the causes say why, which is usually what an operator needs; the
 * stack trace belongs in the log record, not in the text. The text is at most {@value #MAX_LENGTH} characters
 * (the size of the inbox's {@code last_error} column).
 */
public final class Failures {

    /** Longest text {@link #describe} returns. */
    public static final int MAX_LENGTH = 2000;
    /** How many causes {@link #describe} appends after the failure itself. */
    public static final int MAX_CAUSES = 3;

    private static final String ELLIPSIS = "...";

    private Failures() {
    }

    /**
     * {@code failure.toString()}, then up to {@value #MAX_CAUSES} causes after {@code " <- "}, stopping at a cause
     * seen before; shortened to {@value #MAX_LENGTH} characters. {@code "null"} for a null failure.
     */
    public static String describe(Throwable failure) {
        if (failure == null) {
            return "null";
        }
        StringBuilder text = new StringBuilder(String.valueOf(failure));
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(failure);
        Throwable cause = failure.getCause();
        for (int depth = 0; cause != null && seen.add(cause) && depth < MAX_CAUSES; depth++) {
            text.append(" <- ").append(cause);
            cause = cause.getCause();
        }
        return shorten(text.toString(), MAX_LENGTH);
    }

    /**
     * {@code text} if it has at most {@code maxLength} characters, else its start and {@code "..."}, in
     * {@code maxLength} characters at most; never splits a surrogate pair (PostgreSQL rejects a lone half).
     * Null stays null.
     *
     * @param maxLength at least 4
     */
    public static String shorten(String text, int maxLength) {
        if (maxLength <= ELLIPSIS.length()) {
            throw new IllegalArgumentException("maxLength must leave room for \"...\", was " + maxLength);
        }
        if (text == null || text.length() <= maxLength) {
            return text;
        }
        int end = maxLength - ELLIPSIS.length();
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + ELLIPSIS;
    }
}
