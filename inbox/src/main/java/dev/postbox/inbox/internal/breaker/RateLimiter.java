package dev.postbox.inbox.internal.breaker;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The rate limit of one scope on this instance: at most {@code maxConcurrent} handler calls running, at most
 * {@code maxPerSecond} in any one-second window. A slot is reserved before the record is claimed (or the delivery
 * admitted) and counts in the window from then until one second after its call <em>ended</em>; a slot released
 * without a start leaves no trace.
 *
 * <p>Why counting to the end: the API sees the request at some moment inside the call (after the handler's own
 * work, the connection set-up, a GC pause), not when the handler starts. A call admitted at time a, when fewer than
 * N slots were running or had ended after a - 1 s, has every other call that reaches the API within the same
 * one-second window [t, t + 1 s) as itself either still running then or ended at or after t > a - 1 s (it reached
 * the API at or after t, before its end), so it was counted: at most N calls reach the API in any one-second window,
 * wherever inside each call its request happens. The price: a scope whose calls last L runs at most N calls per
 * 1 s + L.
 */
final class RateLimiter {

    private static final long SECOND = 1_000_000_000L;
    /** The time of a slot that has not ended yet: it counts in every window. */
    private static final long RUNNING = Long.MAX_VALUE;

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
        private boolean started;
        private long endedAt = RUNNING;
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

    /** The handler starts now: the slot will count until a second after it ended. */
    synchronized void start(Slot slot) {
        slot.started = true;
    }

    /** The call ended now (or never started: then it is forgotten). Idempotent. */
    synchronized void release(Slot slot) {
        if (slot.released) {
            return;
        }
        slot.released = true;
        running--;
        if (slot.started) {
            slot.endedAt = clock.nanoTime();
        } else {
            window.remove(slot);
        }
    }

    /** Calls running now (reserved and not released). */
    synchronized int running() {
        return running;
    }

    /** Calls running or reserved now, plus those that ended within the last second. */
    synchronized int lastSecond() {
        prune(clock.nanoTime());
        return window.size();
    }

    /** Drops slots that ended a second or more ago: they are out of every window that matters from now on. */
    private void prune(long now) {
        for (Iterator<Slot> it = window.iterator(); it.hasNext(); ) {
            Slot s = it.next();
            if (s.endedAt != RUNNING && now - s.endedAt >= SECOND) {
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
