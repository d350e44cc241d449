package dev.postbox.relay;

import static dev.postbox.relay.RelayTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.testkit.TestDatabase;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Positions are committed only after the sink acknowledged: a stop between send and ack redelivers. */
abstract class OffsetAfterAckSuite {

    /** A fresh database with the outbox and relay tables, on the product under test. */
    abstract TestDatabase database(String prefix);

    /** Acknowledges until {@link #hang} is set, then accepts sends and never answers. */
    static final class HangingSink implements RelaySink {
        final List<RelayEvent> sent = new CopyOnWriteArrayList<>();
        volatile boolean hang;

        @Override
        public CompletionStage<Void> send(RelayEvent event) {
            sent.add(event);
            return hang ? new CompletableFuture<>() : CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void stopBetweenSendAndAckRedeliversAndNeverLoses() {
        TestDatabase db = database("ack");
        HangingSink hanging = new HangingSink();
        OutboxRelay first = relay(db).sink(hanging).build();
        first.start();
        awaitState(first, RelayStatus.State.ACTIVE);
        insert(db, "Order", "o-1", 1);
        insert(db, "Order", "o-2", 1);
        await("acknowledged", () -> first.status().eventsRelayed() == 2);
        // let the acknowledged positions reach the offset table, so the second relay does not start from zero
        await("offsets flushed", () -> db.queryLong("select count(*) from postbox_relay_offset where offset_key like '[\""
                + db.name() + "\",%'") == 1);
        hanging.hang = true;
        // one transaction, so one batch: both are sent concurrently (the engine waits while a fresh send is open)
        UUID unacked = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        db.execute("begin",
                "insert into outbox_event (id, aggregatetype, aggregateid, type, payload) values ('" + unacked
                        + "', 'Order', 'o-1', 'Seq', '{\"seq\": 2}')",
                "insert into outbox_event (id, aggregatetype, aggregateid, type, payload) values ('" + other
                        + "', 'Order', 'o-3', 'Seq', '{\"seq\": 1}')",
                "commit");
        await("sent, never acknowledged", () -> hanging.sent.stream().anyMatch(e -> e.id().equals(unacked))
                && hanging.sent.stream().anyMatch(e -> e.id().equals(other)));
        first.stop();

        CollectingSink collecting = new CollectingSink();
        try (OutboxRelay second = relay(db).sink(collecting).build()) {
            second.start();
            await("redelivered", () -> collecting.events.stream().anyMatch(e -> e.id().equals(unacked))
                    && collecting.events.stream().anyMatch(e -> e.id().equals(other)));
            System.out.printf("offset after ack: second relay received %d events (%d were acknowledged before)%n",
                    collecting.events.size(), 2);
            assertThat(collecting.events).extracting(RelayEvent::id).doesNotHaveDuplicates();
        }
    }
}
