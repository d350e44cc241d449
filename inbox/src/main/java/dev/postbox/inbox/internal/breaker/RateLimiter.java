package dev.postbox.inbox.internal.breaker;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The rate limit of one scope on this instance: at most {@code maxConcurrent} handler calls running, at most
 * {@code maxPerSecond} started in any one-second window. A slot is reserved before the record is claimed (or the
 * delivery admitted) and stamped when the handler starts; until then it counts as started now, so the window holds
 * whatever the delay between the two. A slot released without a start leaves no trace.
 *
 * <p>Why this proves "at most N in any window": a call is admitted at time a only when fewer than N slots have a
 * start after a - 1 s (unstarted ones included); every call that starts in a window [t, t + 1 s) after it was
 * admitted had been admitted at a < t + 1 s, when the others of that window (started at or after t > a - 1 s, or
 * not yet started) already counted.
 */
final class RateLimiter {

    private static final long SECOND = 1_000_000_000L;
    private static final long NOT_STARTED = Long.MAX_VALUE;

    private final int maxConcurrent;
    private final int maxPerSecond;
    private final NanoClock clock;
    private int running;
    private final List<Slot> window = new ArrayList<>();

    RateLimiter(int maxConcurrent, int maxPerSecond, NanoClock clock) {
        this.maxConcurrent = maxConcurrent;
        this.maxPerSecond = maxPerSecond;
        this.clock = clock;
    }

    /** A reserved call. */
    static final class Slot {
        private long startedAt = NOT_STARTED;
        private boolean released;
    }

    /** Reserves a call, or returns null when the scope is at its limit now (nothing reserved). */
    synchronized Slot tryReserve() {
        if (maxConcurrent > 0 && running >= maxConcurrent) {
            return null;
        }
        if (maxPerSecond > 0) {
            long now = clock.nanoTime();
            prune(now);
            if (window.size() >= maxPerSecond) {
                return null;
            }
        }
        Slot slot = new Slot();
        running++;
        if (maxPerSecond > 0) {
            window.add(slot);
        }
        return slot;
    }

    /** The handler starts now. */
    synchronized void start(Slot slot) {
        if (slot.startedAt == NOT_STARTED) {
            slot.startedAt = clock.nanoTime();
        }
    }

    /** The call ended (or never started: then it is forgotten). Idempotent. */
    synchronized void release(Slot slot) {
        if (slot.released) {
            return;
        }
        slot.released = true;
        running--;
        if (slot.startedAt == NOT_STARTED) {
            window.remove(slot);
        }
    }

    /** Calls running now (reserved and not released). */
    synchronized int running() {
        return running;
    }

    /** Calls started in the last second, plus those reserved and not started yet. */
    synchronized int lastSecond() {
        prune(clock.nanoTime());
        return window.size();
    }

    /** Drops slots that started a second or more ago: they are out of every window that matters from now on. */
    private void prune(long now) {
        for (Iterator<Slot> it = window.iterator(); it.hasNext(); ) {
            Slot s = it.next();
            if (s.startedAt != NOT_STARTED && now - s.startedAt >= SECOND) {
                it.remove();
            }
        }
    }

    /** {@link System#nanoTime()}, replaceable in tests. */
    @FunctionalInterface
    interface NanoClock {
        long nanoTime();
    }
}
