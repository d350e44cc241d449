package dev.postbox.fault;

import dev.postbox.fault.support.Await;
import dev.postbox.fault.support.Consumers;
import dev.postbox.fault.support.FaultDatabase;
import dev.postbox.fault.support.InboxConsumer;
import dev.postbox.fault.support.Producer;
import dev.postbox.fault.support.Relays;
import dev.postbox.fault.support.Scale;
import dev.postbox.fault.support.Verdict;
import dev.postbox.inbox.internal.InboxRuntime;
import dev.postbox.relay.OutboxRelay;
import dev.postbox.relay.RelayStatus;
import dev.postbox.testkit.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The database-restart scenario, whichever the database ({@link PostgresRestartTest}, {@link
 * DatabaseRestartOnMariaDbTest}): the scenario's own server is restarted several times under a running relay, a
 * running inbox scheduler (the consumer only {@code receive}s) and a producer that keeps trying; after each restart
 * events must flow again through the relay and the scheduler, and at the end every committed event has arrived and
 * every effect was applied once.
 */
final class DatabaseRestartScenario {

    /** Events that must flow between faults. */
    private static final int FLOW = Scale.pick(40, 100);

    private DatabaseRestartScenario() {
    }

    /**
     * @param scenario the name in the report
     * @param db a database on the server that {@code restart} restarts
     * @param readerLabel what the relay's reading session is called on this database, for timeout messages
     * @param restartNotes what the restarts met, appended to the count of restarts in the report
     */
    static void run(String scenario, FaultDatabase db, String readerLabel, Runnable restart,
            Supplier<String> restartNotes) {
        int restarts = Scale.pick(2, 5);
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        String topic = Relays.topic(db, "Order");
        Relays.createTopic(bootstrap, topic, 3, Map.of());
        Map<String, String> inboxConfig = Map.of(
                "postbox.inbox.poll-interval", "PT0.2S",
                "postbox.inbox.batch-size", "50",
                "postbox.inbox.lease", "PT5S",
                "postbox.inbox.max-attempts", "50",
                "postbox.inbox.initial-delay", "PT0.2S",
                "postbox.inbox.max-delay", "PT2S");
        try (OutboxRelay relay = Relays.builder(db, bootstrap).build();
                InboxRuntime inbox = Consumers.inbox(db, inboxConfig).start();
                InboxConsumer consumer = new InboxConsumer(bootstrap, List.of(topic), inbox.inbox(),
                        InboxConsumer.Mode.RECEIVE, 2);
                Producer producer = Producer.create(db, "Order", 20, Duration.ofMillis(15))) {
            relay.start();
            Await.until("relay ACTIVE", () -> relay.status().state() == RelayStatus.State.ACTIVE);
            producer.produceContinuously(true);
            Supplier<String> state = () -> state(db, readerLabel, producer, consumer, relay);
            for (int i = 1; i <= restarts; i++) {
                long records = consumer.records();
                long effects = db.count("SELECT count(*) FROM effect");
                Await.until("events relayed and applied before restart " + i,
                        () -> consumer.records() > records + FLOW
                                && db.count("SELECT count(*) FROM effect") > effects + FLOW);
                restart.run();
                long afterRecords = consumer.records();
                Await.until("the relay streaming again after restart " + i,
                        () -> consumer.records() > afterRecords + FLOW, state);
                long afterEffects = db.count("SELECT count(*) FROM effect");
                Await.until("the inbox scheduler applying again after restart " + i,
                        () -> db.count("SELECT count(*) FROM effect") > afterEffects + FLOW, state);
            }
            producer.produceContinuously(false);
            Verdict.check(scenario, db, consumer, restarts + " restarts" + restartNotes.get() + "; "
                    + producer.failedTransactions() + " producer transactions failed while the database was away;"
                    + " consumer retried " + consumer.retries() + " times");
        }
    }

    /** Where things stand, for a timeout message. */
    private static String state(FaultDatabase db, String readerLabel, Producer producer, InboxConsumer consumer,
            OutboxRelay relay) {
        String database;
        try {
            database = readerLabel + ": " + Relays.slotActive(db) + ", outbox rows: "
                    + db.count("SELECT count(*) FROM outbox_event") + ", effects: "
                    + db.count("SELECT count(*) FROM effect");
        } catch (RuntimeException e) {
            database = "database: " + e.getMessage();
        }
        return "(producer committed " + producer.committedEvents() + ", failed tx " + producer.failedTransactions()
                + "; consumer records " + consumer.records() + ", handled " + consumer.handled() + ", retries "
                + consumer.retries() + "; " + database + "; " + relay.status() + "; producer thread "
                + producer.where() + ")";
    }
}
