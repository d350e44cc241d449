package dev.postbox.it.harness;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for something that happens asynchronously (relay, Kafka, consumer, retries) by polling, with a generous
 * timeout: the tests assert outcomes, never how fast they came (the build machine is shared and slow at times).
 */
public final class Poll {

    public static final Duration TIMEOUT = Duration.ofSeconds(120);

    private Poll() {
    }

    /** Polls {@code value} until {@code done} accepts it; returns that value or fails with the last one seen. */
    public static <T> T until(String what, Supplier<T> value, Predicate<? super T> done) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        T last = null;
        RuntimeException lastFailure = null;
        while (System.nanoTime() < deadline) {
            try {
                last = value.get();
                lastFailure = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                lastFailure = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
        AssertionError error = new AssertionError("gave up after " + TIMEOUT.toSeconds() + " s waiting for " + what
                + "; last value: " + last);
        if (lastFailure != null) {
            error.initCause(lastFailure);
        }
        throw error;
    }

    /** Polls until {@code condition} holds. */
    public static void until(String what, Supplier<Boolean> condition) {
        until(what, condition, Boolean.TRUE::equals);
    }
}
