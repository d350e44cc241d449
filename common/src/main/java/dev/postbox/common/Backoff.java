package dev.postbox.common;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter, shared by the inbox's deferred retries and the relay's sink retries.
 *
 * <p>The delay before retry {@code n} (n = 1 after the first failed attempt) is
 * {@code min(maxDelay, initialDelay × factor^(n-1)) × (1 ± jitter)}: the cap first, then the jitter, so that
 * retries which all reached the cap still wake at different instants (with the jitter applied before the cap,
 * every capped delay was exactly {@code maxDelay}, and a burst of failures retried as a burst again).
 *
 * <p>So {@code maxDelay} bounds the delay before jitter: with jitter a delay lies within
 * {@code maxDelay × (1 ± jitter)} once capped, i.e. it may exceed {@code maxDelay} by up to
 * {@code jitter × maxDelay} (20 % with the default jitter), and never more.
 *
 * @param initialDelay delay before the first retry, positive
 * @param maxDelay upper bound of the delay before jitter, at least {@code initialDelay}
 * @param factor growth per retry, at least 1
 * @param jitter relative spread in [0, 1]: 0.2 means ±20 %
 */
public record Backoff(Duration initialDelay, Duration maxDelay, double factor, double jitter) {

    /** One second, doubling, capped at one hour, ±20 % jitter. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofHours(1), 2.0, 0.2);

    public Backoff {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || initialDelay.isZero()) {
            throw new IllegalArgumentException("backoff initialDelay must be positive, was " + initialDelay);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException(
                    "backoff maxDelay (" + maxDelay + ") must not be shorter than initialDelay (" + initialDelay + ")");
        }
        if (!(factor >= 1.0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("backoff factor must be a finite number >= 1, was " + factor);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("backoff jitter must be within [0, 1], was " + jitter);
        }
    }

    /**
     * Delay before the given retry.
     *
     * @param retry 1 for the first retry (after the first failed attempt), 2 for the second, …
     * @param random a source of uniform numbers in [0, 1), e.g. {@code ThreadLocalRandom.current()::nextDouble}
     */
    public Duration delayBeforeRetry(int retry, DoubleSupplier random) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry numbers start at 1, was " + retry);
        }
        double capped = Math.min(initialDelay.toNanos() * Math.pow(factor, retry - 1), (double) maxDelay.toNanos());
        double spread = jitter == 0.0 ? 1.0 : 1.0 + jitter * (2.0 * random.getAsDouble() - 1.0);
        return Duration.ofNanos(Math.max(0L, (long) (capped * spread)));
    }

    /** Same backoff without jitter: useful in tests and for humans reading a schedule. */
    public Backoff withoutJitter() {
        return new Backoff(initialDelay, maxDelay, factor, 0.0);
    }
}
