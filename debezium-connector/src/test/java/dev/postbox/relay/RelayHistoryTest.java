package dev.postbox.relay;

import static dev.postbox.relay.RelayTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.relay.internal.RelaySampler;
import dev.postbox.testkit.PostgresServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The relay's last hour: throughput and slot lag sampled in memory ({@link OutboxRelay#history()}). */
class RelayHistoryTest {

    @Test
    void samplesCountTheEventsRelayedBetweenThemAndTheSlotLag() {
        PostgresServer.Database db = database("history");
        CollectingSink sink = new CollectingSink();
        try (OutboxRelay relay = relay(db).sink(sink).configure(Map.of("postbox.relay.sample-interval", "1s"))
                .build()) {
            relay.start();
            awaitState(relay, RelayStatus.State.ACTIVE);
            for (int i = 1; i <= 3; i++) {
                insert(db, "Order", "o-" + i, 1);
            }
            await("relayed", () -> relay.status().eventsRelayed() == 3);
            await("sampled", () -> relay.history().stream().mapToLong(RelaySample::eventsRelayed).sum() == 3);
            List<RelaySample> history = relay.history();
            assertThat(history).allSatisfy(s -> assertThat(s.period()).isPositive());
            // -1 (unknown) only before the engine created the slot; the sample that saw the events read it
            assertThat(history.get(history.size() - 1).slotLagBytes()).isGreaterThanOrEqualTo(0);
            assertThat(history).extracting(RelaySample::at).isSorted();
        }
    }

    @Test
    void theRingKeepsTheLastHourOldestFirst() {
        AtomicLong relayed = new AtomicLong();
        Instant[] now = {Instant.parse("2026-12-02T10:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        RelaySampler sampler = new RelaySampler(Duration.ofMinutes(10), relayed::get, () -> 42, clock);
        for (int i = 1; i <= 8; i++) { // 80 minutes, one sample every 10 minutes; the ring holds 6
            now[0] = now[0].plus(Duration.ofMinutes(10));
            relayed.addAndGet(i);
            sampler.sample();
        }
        List<RelaySample> samples = sampler.samples();
        assertThat(samples).extracting(RelaySample::eventsRelayed).containsExactly(3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(samples).allSatisfy(s -> {
            assertThat(s.slotLagBytes()).isEqualTo(42);
            assertThat(s.period()).isEqualTo(Duration.ofMinutes(10));
        });
        now[0] = now[0].plus(Duration.ofMinutes(35)); // the relay stopped sampling: older than an hour is dropped
        assertThat(sampler.samples()).extracting(RelaySample::eventsRelayed).containsExactly(6L, 7L, 8L);
    }
}
