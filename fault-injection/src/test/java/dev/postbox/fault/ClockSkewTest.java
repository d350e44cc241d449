package dev.postbox.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.postbox.common.StandardWebhooks;
import dev.postbox.common.WebhookVerificationException;
import dev.postbox.fault.support.Await;
import dev.postbox.fault.support.Consumers;
import dev.postbox.fault.support.FaultDatabase;
import dev.postbox.fault.support.Payloads;
import dev.postbox.fault.support.Producer;
import dev.postbox.fault.support.Relays;
import dev.postbox.fault.support.Report;
import dev.postbox.fault.support.SkewedClock;
import dev.postbox.fault.support.Verdict;
import dev.postbox.fault.support.WebhookReceiver;
import dev.postbox.inbox.ProcessingDeferredException;
import dev.postbox.inbox.internal.InboxRuntime;
import dev.postbox.relay.OutboxRelay;
import dev.postbox.relay.ParkedEvent;
import dev.postbox.relay.RelayStatus;
import dev.postbox.testkit.jta.LocalJta;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Clocks of the application instances disagree with the database's and with each other. The inbox components
 * take an injected {@link java.time.Clock}; they are given clocks an hour ahead and behind. Due retries and leases
 * must follow the database's clock (so instances with skewed clocks agree); webhook timestamps are checked against
 * the receiver's clock with a tolerance: accepted within it, rejected beyond it with nothing written. A relay
 * delivering webhooks to a receiver whose clock is off beyond the tolerance gets 401s: the events are parked, not
 * lost, and a replay once the clock is fixed delivers each exactly once.
 */
class ClockSkewTest {

    @Test
    void dueRetriesFollowTheDatabaseClockNotTheApplicationClocks() throws Exception {
        FaultDatabase db = FaultDatabase.create("skew_retry");
        Set<UUID> failedOnce = ConcurrentHashMap.newKeySet();
        Consumers.BeforeEffect failFirstAttempt = payload -> {
            if (failedOnce.add(Payloads.eventId(payload))) {
                throw new IllegalStateException("first attempt fails (test)");
            }
        };
        Map<String, String> config = Map.of("postbox.inbox.initial-delay", "PT30S", "postbox.inbox.jitter", "0",
                "postbox.inbox.max-attempts", "3");
        try (InboxRuntime ahead = Consumers.inbox(db, new LocalJta(db.db.dataSource()), config,
                        new SkewedClock(Duration.ofHours(1)), failFirstAttempt);
                InboxRuntime behind = Consumers.inbox(db, new LocalJta(db.db.dataSource()), config,
                        new SkewedClock(Duration.ofHours(-1)), failFirstAttempt)) {
            UUID id = UUID.randomUUID();
            String payload = Payloads.of(id, "skew", 1, null);
            assertThatThrownBy(() -> ahead.inbox().process(Consumers.SCOPE, id.toString(), payload, String.class))
                    .isInstanceOf(ProcessingDeferredException.class);

            String row = "FROM postbox_inbox WHERE idempotency_key = '" + id + "'";
            double delay = db.count("SELECT round(extract(epoch FROM next_attempt_at - "
                    + "(history->0->>'endedAt')::timestamptz) * 1000) " + row) / 1000.0;
            assertThat(delay).as("due time minus failure time, both in database time (s)").isCloseTo(30.0,
                    within(0.5));
            long dueInMillis = db.count("SELECT round(extract(epoch FROM next_attempt_at - clock_timestamp()) * 1000) "
                    + row);
            assertThat(dueInMillis).as("due in (database time, ms)").isBetween(1L, 30_500L);

            // the application clock an hour past the due time changes nothing: the database says "not yet"
            assertThat(ahead.scheduler().runDue()).as("records claimed by the instance an hour ahead").isZero();
            assertThatThrownBy(() -> behind.inbox().process(Consumers.SCOPE, id.toString(), payload, String.class))
                    .as("a redelivery before the due time").isInstanceOf(ProcessingDeferredException.class);
            assertThat(db.effects()).isEmpty();

            // the database's clock reaches the due time (a database clock cannot be set: the due time is moved)
            db.db.execute("UPDATE postbox_inbox SET next_attempt_at = clock_timestamp() - interval '1 millisecond' "
                    + "WHERE idempotency_key = '" + id + "'");
            // the instance an hour behind the due time runs it: the database says "due"
            assertThat(behind.scheduler().runDue()).as("records claimed by the instance an hour behind").isEqualTo(1);
            assertThat(db.effects()).isEqualTo(Map.of(id, 1));
            assertThat(db.count("SELECT attempts " + row)).isEqualTo(2);
            assertThat(ahead.inbox().process(Consumers.SCOPE, id.toString(), payload, String.class).value())
                    .isEqualTo("applied " + id);
            Report.figure("clock skew: retries", "app clocks +1 h and -1 h: retry due " + delay + " s after the "
                    + "failure in database time; not run early by the instance ahead, run on time by the instance "
                    + "behind; 1 effect");
        }
    }

    @Test
    void webhookTimestampsAreAcceptedWithinTheToleranceAndRejectedBeyondItWithNothingWritten() throws Exception {
        FaultDatabase db = FaultDatabase.create("skew_webhook");
        String secret = StandardWebhooks.newSecret();
        Map<String, String> config = Map.of("postbox.inbox.webhooks." + Consumers.SCOPE + ".secrets", secret);
        StandardWebhooks sender = StandardWebhooks.withSecrets(secret);
        InboxRuntime plus4 = receiver(db, config, Duration.ofMinutes(4));
        InboxRuntime minus4 = receiver(db, config, Duration.ofMinutes(-4));
        InboxRuntime plus6 = receiver(db, config, Duration.ofMinutes(6));
        InboxRuntime minus6 = receiver(db, config, Duration.ofMinutes(-6));
        try {
            UUID accepted = UUID.randomUUID();
            byte[] body = Payloads.of(accepted, "hook", 1, null).getBytes(StandardCharsets.UTF_8);
            Map<String, String> headers = sender.headers(accepted.toString(), Instant.now(), body);
            assertThat(plus4.inbox().processWebhook(Consumers.SCOPE, headers::get, body, String.class).value())
                    .isEqualTo("applied " + accepted);
            assertThat(minus4.inbox().processWebhook(Consumers.SCOPE, headers::get, body, String.class).value())
                    .as("the same webhook resent to an instance 4 min behind").isEqualTo("applied " + accepted);

            UUID rejected = UUID.randomUUID();
            byte[] other = Payloads.of(rejected, "hook", 2, null).getBytes(StandardCharsets.UTF_8);
            Map<String, String> otherHeaders = sender.headers(rejected.toString(), Instant.now(), other);
            for (InboxRuntime beyond : new InboxRuntime[] {plus6, minus6}) {
                assertThatThrownBy(() -> beyond.inbox().processWebhook(Consumers.SCOPE, otherHeaders::get, other,
                        String.class)).isInstanceOfSatisfying(WebhookVerificationException.class, e -> assertThat(
                                e.reason()).isEqualTo(WebhookVerificationException.Reason.TIMESTAMP_OUT_OF_TOLERANCE));
            }
            assertThat(db.effects()).isEqualTo(Map.of(accepted, 1));
            assertThat(db.count("SELECT count(*) FROM postbox_inbox WHERE idempotency_key = '" + rejected + "'"))
                    .as("inbox rows of the rejected webhook").isZero();
            Report.figure("clock skew: webhooks", "receiver clocks +4/-4 min: accepted (1 effect for 2 deliveries); "
                    + "+6/-6 min: rejected (timestamp out of the 5 min tolerance), no inbox row, no effect");
        } finally {
            plus4.close();
            minus4.close();
            plus6.close();
            minus6.close();
        }
    }

    @Test
    void relayToAReceiverWhoseClockIsOffParksAndAReplayDeliversOnce() throws Exception {
        FaultDatabase db = FaultDatabase.create("skew_relay");
        String secret = StandardWebhooks.newSecret();
        SkewedClock receiverClock = new SkewedClock(Duration.ofMinutes(3));
        try (InboxRuntime inbox = Consumers.inbox(db, db.jta,
                        Map.of("postbox.inbox.webhooks." + Consumers.SCOPE + ".secrets", secret), receiverClock,
                        payload -> { });
                WebhookReceiver receiver = new WebhookReceiver(inbox.inbox(), Consumers.SCOPE);
                OutboxRelay relay = Relays.builder(db, null).webhook(receiver.url(), secret).build();
                Producer producer = Producer.create(db, "Order", 10, Duration.ofMillis(20))) {
            relay.start();
            Await.until("relay ACTIVE", () -> relay.status().state() == RelayStatus.State.ACTIVE);
            producer.produceContinuously(true);
            Await.until("events delivered to a receiver 3 min ahead", () -> receiver.records() > 50);

            receiverClock.set(Duration.ofMinutes(10)); // beyond the 5 min tolerance: every delivery gets 401
            long parkedBefore = relay.status().parked();
            Await.until("events parked after 401s", () -> relay.status().parked() > parkedBefore + 5);
            producer.produceContinuously(false);
            long committed = db.committedIds().size();
            Await.until("every event delivered or parked",
                    () -> receiver.records() + relay.parkedEvents().count() >= committed,
                    () -> relay.status().toString());
            long parkedRows = relay.parkedEvents().count();
            long unauthorized = receiver.count(401);

            receiverClock.set(Duration.ZERO); // the receiver's clock is fixed
            for (ParkedEvent p : relay.parkedEvents().list(10_000)) {
                if (p.status() == ParkedEvent.Status.PARKED) {
                    assertThat(p.lastError()).contains("401");
                    relay.parkedEvents().replay(p.event().id());
                }
            }
            Await.until("every parked event replayed", () -> relay.parkedEvents().count() == 0,
                    () -> relay.status().toString());
            Verdict.check("clock skew: relay webhooks", db, receiver, "receiver clock +3 min: delivered; +10 min: "
                    + unauthorized + " deliveries refused (401), " + parkedRows + " events parked or waiting; clock "
                    + "fixed, replayed: each applied once; HTTP statuses " + receiver.statuses());
        }
    }

    private static InboxRuntime receiver(FaultDatabase db, Map<String, String> config, Duration skew) {
        return Consumers.inbox(db, new LocalJta(db.db.dataSource()), config, new SkewedClock(skew), payload -> { });
    }
}
