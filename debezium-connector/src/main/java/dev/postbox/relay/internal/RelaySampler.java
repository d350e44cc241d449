package dev.postbox.relay.internal;

import dev.postbox.relay.RelaySample;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The relay's last hour: every {@code postbox.relay.sample-interval} the events acknowledged since the previous
 * sample and the slot lag, in a ring of {@code 1 h / interval} samples (at most 3,600). One slot-lag query per
 * sample, on the supervisor's thread; nothing is stored in the database.
 */
public final class RelaySampler {

    private static final Logger LOG = Logger.getLogger(RelaySampler.class.getName());
    static final Duration SPAN = Duration.ofHours(1);

    private final LongSupplier relayed;
    private final LongSupplier lagBytes;
    private final Clock clock;
    private final RelaySample[] ring;
    private int next;
    private int size;
    private long lastRelayed;
    private Instant lastAt;

    /**
     * @param interval how often {@link #sample()} is called
     * @param relayed the relay's acknowledged-events counter
     * @param lagBytes the slot lag, -1 when unknown
     */
    public RelaySampler(Duration interval, LongSupplier relayed, LongSupplier lagBytes, Clock clock) {
        this.relayed = relayed;
        this.lagBytes = lagBytes;
        this.clock = clock;
        this.ring = new RelaySample[(int) Math.max(1, Math.min(3600, SPAN.toMillis() / interval.toMillis()))];
        this.lastRelayed = relayed.getAsLong();
        this.lastAt = clock.instant();
    }

    /** Takes one sample; never throws (a scheduled task that throws is never run again). */
    public void sample() {
        try {
            long lag = lagBytes.getAsLong();
            long count = relayed.getAsLong();
            Instant at = clock.instant();
            synchronized (this) {
                ring[next] = new RelaySample(at, Duration.between(lastAt, at), Math.max(0, count - lastRelayed), lag);
                next = (next + 1) % ring.length;
                size = Math.min(size + 1, ring.length);
                lastRelayed = count;
                lastAt = at;
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "relay sample failed", e);
        }
    }

    /** The samples of the last hour, oldest first. */
    public synchronized List<RelaySample> samples() {
        List<RelaySample> out = new ArrayList<>(size);
        Instant oldest = clock.instant().minus(SPAN);
        for (int i = 0; i < size; i++) {
            RelaySample s = ring[Math.floorMod(next - size + i, ring.length)];
            if (!s.at().isBefore(oldest)) {
                out.add(s);
            }
        }
        return out;
    }
}
