package dev.postbox.relay.internal;

import java.util.concurrent.atomic.AtomicLong;

/** Plain counters of one relay instance; the CDI layer exposes them through MicroProfile Metrics. */
public final class RelayCounters {
    final AtomicLong relayed = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong parked = new AtomicLong();
    final AtomicLong waiting = new AtomicLong();
    final AtomicLong replayed = new AtomicLong();
    volatile long inFlight;
    volatile boolean outage;
    volatile String lastError;

    public long relayed() {
        return relayed.get();
    }

    public long retries() {
        return retries.get();
    }

    public long parked() {
        return parked.get();
    }

    public long waiting() {
        return waiting.get();
    }

    public long replayed() {
        return replayed.get();
    }

    public long inFlight() {
        return inFlight;
    }
}
