package dev.postbox.relay;

import java.time.Duration;
import java.time.Instant;

/**
 * One sample of a relay instance's throughput and slot lag ({@link OutboxRelay#history()}), taken every
 * {@code postbox.relay.sample-interval}.
 *
 * @param at when the sample was taken
 * @param period the time since the previous sample (or since the relay started), which {@code eventsRelayed} covers
 * @param eventsRelayed events the sink acknowledged during {@code period}
 * @param slotLagBytes WAL the slot retained at {@code at} ({@link OutboxRelay#slotLagBytes()}), -1 when unknown
 */
public record RelaySample(Instant at, Duration period, long eventsRelayed, long slotLagBytes) {
}
