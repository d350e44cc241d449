package dev.postbox.fault.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The system clock shifted by an offset that the test can change while components use it. */
public final class SkewedClock extends Clock {

    private volatile Duration skew;

    public SkewedClock(Duration skew) {
        this.skew = skew;
    }

    public void set(Duration skew) {
        this.skew = skew;
    }

    public Duration skew() {
        return skew;
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(skew);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this; // always UTC: only instants matter here
    }
}
