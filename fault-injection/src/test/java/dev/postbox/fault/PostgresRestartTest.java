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
import dev.postbox.testkit.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL is stopped and started again (same data directory and port, fast shutdown: every backend is ended,
 * the walsender included) under a running relay and a running inbox scheduler, while the producer keeps trying to
 * commit. The consumer only records messages ({@code Inbox.receive}); the inbox scheduler runs the handler, so its
 * claims, leases and retries go through the restarts too.
 */
class PostgresRestartTest {

    private static final String SCENARIO = "PostgreSQL restarted";

    /** For each fast shutdown that outlasted pg_ctl's 5 s: the server processes still running then. */
    private final List<String> slowShutdowns = new ArrayList<>();

    /**
     * Restarts the server. A fast shutdown waits for walsenders to have their WAL confirmed by the client; with the
     * relay behind, that can outlast the 5 s the test kit's pg_ctl waits, and starting again then fails. In that
     * case: note which processes held the shutdown up, wait until the old server is gone, start again.
     */
    private void restart(PostgresServer server) {
        long postmaster = postmasterPid(server);
        try {
            server.restart();
            return;
        } catch (UncheckedIOException e) {
            slowShutdowns.add(ProcessHandle.of(postmaster).map(p -> p.children()
                    .map(c -> c.info().commandLine().orElse("?")).toList().toString()).orElse("[exited]"));
        }
        Await.until("the old PostgreSQL to finish shutting down",
                () -> ProcessHandle.of(postmaster).map(p -> !p.isAlive()).orElse(true));
        server.restart();
    }

    private static long postmasterPid(PostgresServer server) {
        try {
            return Long.parseLong(Files.readAllLines(server.dataDirectory().resolve("postmaster.pid")).get(0).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where things stand, for a timeout message. */
    private static String state(FaultDatabase db, Producer producer, InboxConsumer consumer, OutboxRelay relay) {
        String slot;
        try {
            slot = "slot active: " + Relays.slotActive(db) + ", outbox rows: " + db.count("SELECT count(*) FROM outbox_event")
                    + ", effects: " + db.count("SELECT count(*) FROM effect");
        } catch (RuntimeException e) {
            slot = "database: " + e.getMessage();
        }
        return "(producer committed " + producer.committedEvents() + ", failed tx " + producer.failedTransactions()
                + "; consumer records " + consumer.records() + ", handled " + consumer.handled() + ", retries "
                + consumer.retries() + "; " + slot + "; " + relay.status() + "; producer thread " + producer.where() + ")";
    }
    /** Events that must flow between faults. */
    private static final int FLOW = Scale.pick(40, 100);

    @Test
    void restartsUnderARunningRelayAndInboxSchedulerLoseNothingAndApplyNothingTwice(@TempDir Path dir) {
        int restarts = Scale.pick(2, 5);
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        PostgresServer server = PostgresServer.start(dir.resolve("pgdata"), 0);
        try {
            FaultDatabase db = FaultDatabase.create(server, "pg_restart");
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
                for (int i = 1; i <= restarts; i++) {
                    long records = consumer.records();
                    long effects = db.count("SELECT count(*) FROM effect");
                    Await.until("events relayed and applied before restart " + i,
                            () -> consumer.records() > records + FLOW
                                    && db.count("SELECT count(*) FROM effect") > effects + FLOW);
                    restart(server);
                    long afterRecords = consumer.records();
                    Await.until("the relay streaming again after restart " + i,
                            () -> consumer.records() > afterRecords + FLOW, () -> state(db, producer, consumer, relay));
                    long afterEffects = db.count("SELECT count(*) FROM effect");
                    Await.until("the inbox scheduler applying again after restart " + i,
                            () -> db.count("SELECT count(*) FROM effect") > afterEffects + FLOW,
                            () -> state(db, producer, consumer, relay));
                }
                producer.produceContinuously(false);
                Verdict.check(SCENARIO, db, consumer, restarts + " restarts (" + slowShutdowns.size() + " fast "
                        + "shutdowns took longer than pg_ctl's 5 s" + (slowShutdowns.isEmpty() ? ""
                                : ", held up by " + slowShutdowns) + "); " + producer.failedTransactions()
                        + " producer transactions failed while the database was away; consumer retried "
                        + consumer.retries() + " times");
            }
        } finally {
            server.close();
        }
    }
}
