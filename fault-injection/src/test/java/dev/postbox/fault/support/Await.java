package dev.postbox.fault.support;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls for an outcome with a generous timeout. Nothing here measures speed: the timeout only turns a hang into a
 * failure with a message saying what never happened.
 */
public final class Await {

    /** Long enough for a loaded CI machine; the scenarios normally need a small fraction of it. */
    public static final Duration TIMEOUT = Duration.ofSeconds(180);

    private Await() {
    }

    public static void until(String what, BooleanSupplier condition) {
        until(what, TIMEOUT, condition, () -> "");
    }

    public static void until(String what, BooleanSupplier condition, Supplier<String> detail) {
        until(what, TIMEOUT, condition, detail);
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> detail) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!safely(condition)) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for " + what + " " + detail.get());
            }
            sleep(50);
        }
    }

    private static boolean safely(BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (RuntimeException e) {
            return false; // e.g. the database is restarting: not yet
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
