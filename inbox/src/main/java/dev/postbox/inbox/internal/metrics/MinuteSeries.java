package dev.postbox.inbox.internal.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * What one scope's inbox did in each of the last {@link #MINUTES} minutes on this instance: a ring of per-minute
 * buckets, one counter per {@link InboxCounters.Count}, for the console's charts. Counting is a clock read and an
 * atomic increment (no allocation, no lock); only the first count of a new minute takes a lock to clear the bucket
 * the ring reuses. Kept in memory only: duplicates and 409s are not stored anywhere else, and a per-minute table
 * would be a write per delivery.
 */
public final class MinuteSeries {

    /** Buckets kept: the last hour, the current minute included. */
    public static final int MINUTES = 60;
    private static final int KINDS = InboxCounters.Count.values().length;
    private static final long MINUTE_MILLIS = 60_000;

    private final LongSupplier millis;
    /** The minute (since the epoch) each bucket counts, or -1. */
    private final AtomicLongArray minuteOf = new AtomicLongArray(MINUTES);
    private final AtomicLongArray counts = new AtomicLongArray(MINUTES * KINDS);

    /** One minute's counts, indexed by {@link InboxCounters.Count#ordinal()}. */
    public record Minute(long epochMinute, long[] counts) {
        public long count(InboxCounters.Count what) {
            return counts[what.ordinal()];
        }
    }

    MinuteSeries(LongSupplier millis) {
        this.millis = millis;
        for (int i = 0; i < MINUTES; i++) {
            minuteOf.set(i, -1);
        }
    }

    /** Counts one {@code what} in the current minute. */
    void count(InboxCounters.Count what) {
        long minute = Math.floorDiv(millis.getAsLong(), MINUTE_MILLIS);
        int bucket = (int) Math.floorMod(minute, (long) MINUTES);
        if (minuteOf.get(bucket) != minute) {
            roll(bucket, minute);
        }
        counts.incrementAndGet(bucket * KINDS + what.ordinal());
    }

    /** Makes {@code bucket} count {@code minute}, cleared; a bucket already on a later minute is left alone. */
    private synchronized void roll(int bucket, long minute) {
        if (minuteOf.get(bucket) >= minute) {
            return;
        }
        for (int k = 0; k < KINDS; k++) {
            counts.set(bucket * KINDS + k, 0);
        }
        minuteOf.set(bucket, minute);
    }

    /** The last {@link #MINUTES} minutes, oldest first, ending with the current one; minutes without counts are 0. */
    public Minute[] lastHour() {
        long now = Math.floorDiv(millis.getAsLong(), MINUTE_MILLIS);
        Minute[] out = new Minute[MINUTES];
        for (int i = 0; i < MINUTES; i++) {
            long minute = now - (MINUTES - 1) + i;
            int bucket = (int) Math.floorMod(minute, (long) MINUTES);
            long[] c = new long[KINDS];
            if (minuteOf.get(bucket) == minute) {
                for (int k = 0; k < KINDS; k++) {
                    c[k] = counts.get(bucket * KINDS + k);
                }
            }
            out[i] = new Minute(minute, c);
        }
        return out;
    }
}
