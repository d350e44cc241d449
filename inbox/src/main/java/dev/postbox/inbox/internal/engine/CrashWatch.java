package dev.postbox.inbox.internal.engine;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * When a first delivery leaves a trace that survives the death of this JVM, so that a message whose handler kills
 * the JVM (or hangs) counts its attempts and ends DEAD instead of being redelivered forever.
 *
 * <p>A first delivery is one transaction: nothing of it is committed before the handler returns, so a JVM that
 * dies during the handler leaves no record, and the sender's redelivery looks like a first delivery again. A
 * trace needs a commit of its own; paying it on every message is what the one-transaction first delivery avoids.
 * So it is paid only in two situations:
 * <ul>
 *   <li><b>A slow handler</b>: when the handler is still running after {@code markAfter}, a timer commits the
 *       record IN_PROGRESS (attempt 1, under the lease) in a short transaction of its own, while the handler goes
 *       on; the first delivery then completes (or fails) that record, fenced by its claim token. A handler that
 *       hangs, or crashes the JVM after that point, has used an attempt. Fast handlers never pay.</li>
 *   <li><b>Right after start-up</b>: for {@code claimWindow} after this inbox started, first deliveries take the
 *       claim path (the record committed IN_PROGRESS before the handler runs). A message that crashes the JVM at
 *       once crashes it again on the redelivery that follows the restart; that one is then counted.</li>
 * </ul>
 * What is not covered: a handler that kills a JVM that has been up longer than {@code claimWindow}, faster than
 * {@code markAfter}, leaves no trace for that delivery (the JVM restarts and the next one is counted).
 */
public final class CrashWatch {

    private static final Logger LOG = Logger.getLogger(CrashWatch.class.getName());

    /** Never marks, never claims: first deliveries as before. */
    public static final CrashWatch OFF = new CrashWatch(Duration.ZERO, Duration.ZERO, () -> null);

    private final Duration markAfter;
    private final long claimUntilNanos;
    private final Supplier<ScheduledExecutorService> timer;

    /**
     * @param markAfter how long a first delivery's handler may run before its record is committed; zero: never
     * @param claimWindow how long after now first deliveries take the claim path; zero: never
     * @param timer where the marks are written (asked once a mark is due for the first time)
     */
    public CrashWatch(Duration markAfter, Duration claimWindow, Supplier<ScheduledExecutorService> timer) {
        this.markAfter = markAfter;
        this.claimUntilNanos = System.nanoTime() + Math.max(0, claimWindow.toNanos());
        this.timer = timer;
    }

    /** Whether first deliveries take the claim path now (the start-up window). */
    public boolean claimsFirstDeliveries() {
        return System.nanoTime() - claimUntilNanos < 0;
    }

    /**
     * Arms the timer of one first delivery's handler.
     *
     * @param mark commits the record IN_PROGRESS in a transaction of its own; true when it did
     */
    public Mark watch(Callable<Boolean> mark) {
        if (markAfter.isZero() || markAfter.isNegative()) {
            return Mark.NEVER;
        }
        Mark m = new Mark(mark);
        try {
            m.future = timer.get().schedule(m::fire, markAfter.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return Mark.NEVER; // shutting down: the delivery runs as before, unwatched
        }
        return m;
    }

    /** The timer of one handler run. */
    public static final class Mark {
        static final Mark NEVER = new Mark(null);

        private static final int RUNNING = 0;
        private static final int MARKING = 1;
        private static final int STOPPED = 2;

        private final Callable<Boolean> mark;
        private final AtomicInteger state = new AtomicInteger(RUNNING);
        private volatile ScheduledFuture<?> future;
        private boolean written;

        private Mark(Callable<Boolean> mark) {
            this.mark = mark;
        }

        private void fire() {
            if (!state.compareAndSet(RUNNING, MARKING)) {
                return;
            }
            boolean ok = false;
            try {
                ok = mark.call();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "could not record a slow first delivery as in progress; a crash of this "
                        + "JVM during it would not count as an attempt", e);
            } finally {
                synchronized (this) {
                    written = ok;
                    state.set(STOPPED);
                    notifyAll();
                }
            }
        }

        /**
         * Stops the timer when the handler has returned or thrown; waits for a mark being written.
         *
         * @return whether the record was committed IN_PROGRESS (then the first delivery must complete or fail that
         *     record with its claim token, not insert one)
         */
        public boolean stop() {
            if (mark == null) {
                return false;
            }
            if (state.compareAndSet(RUNNING, STOPPED)) {
                ScheduledFuture<?> f = future;
                if (f != null) {
                    f.cancel(false);
                }
                return false;
            }
            boolean interrupted = false;
            synchronized (this) {
                while (state.get() == MARKING) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                return written;
            }
        }
    }
}
