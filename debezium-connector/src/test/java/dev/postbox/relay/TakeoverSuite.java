package dev.postbox.relay;

import static dev.postbox.relay.RelayTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.testkit.TestDatabase;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Two instances on one slot: one relays, the other stands by and takes over when the first stops. */
abstract class TakeoverSuite {

    /** A fresh database with the outbox and relay tables, on the product under test. */
    abstract TestDatabase database(String prefix);

    @Test
    void oneActiveOtherStandsByAndTakesOver() throws Exception {
        TestDatabase db = database("takeover");
        CollectingSink sinkA = new CollectingSink();
        CollectingSink sinkB = new CollectingSink();
        OutboxRelay a = relay(db).sink(sinkA).build();
        OutboxRelay b = relay(db).sink(sinkB).build();
        AtomicBoolean bothActive = new AtomicBoolean();
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                if (a.status().state() == RelayStatus.State.ACTIVE && b.status().state() == RelayStatus.State.ACTIVE) {
                    bothActive.set(true);
                }
                Thread.onSpinWait();
            }
        });
        try {
            a.start();
            awaitState(a, RelayStatus.State.ACTIVE);
            b.start();
            awaitState(b, RelayStatus.State.STANDBY);
            watcher.start();
            for (int i = 1; i <= 50; i++) {
                insert(db, "Order", "o-" + (i % 5), i);
            }
            await("A relays", () -> sinkA.distinct() == 50);
            assertThat(sinkB.events).isEmpty();
            assertThat(b.status().state()).isEqualTo(RelayStatus.State.STANDBY);

            a.stop(); // releases the lock: B takes over within its standby retry interval
            awaitState(b, RelayStatus.State.ACTIVE);
            for (int i = 51; i <= 100; i++) {
                insert(db, "Order", "o-" + (i % 5), i);
            }
            await("B relays what follows", () -> sinkB.events.stream()
                    .filter(e -> e.payload().matches(".*\"seq\": ([5-9][1-9]|[6-9]0|100)}")).count() >= 50);
            assertThat(bothActive).as("never two active relays at once").isFalse();
            // B resumed at A's last flushed position: at most A's unflushed tail again, never a gap
            assertThat(sinkA.distinct() + sinkB.distinct()).isGreaterThanOrEqualTo(100);
            System.out.printf("takeover: A relayed %d, B relayed %d (overlap = duplicates after takeover)%n",
                    sinkA.distinct(), sinkB.distinct());
        } finally {
            watcher.interrupt();
            a.stop();
            b.stop();
        }
    }
}
