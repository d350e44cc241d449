package dev.postbox.inbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.inbox.DuplicateInProgressException;
import dev.postbox.inbox.InboxAttempt;
import dev.postbox.inbox.InboxRecord;
import dev.postbox.inbox.InboxStatus;
import dev.postbox.inbox.ProcessingDeferredException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A first delivery that could crash the JVM leaves a committed record behind (CrashWatch): a slow handler's record
 * is committed IN_PROGRESS while it runs and then completed (or failed) by the delivery itself; in the start-up
 * window the record is committed before the handler runs. The crash itself is in fault-injection
 * ({@code FirstDeliveryCrashTest}), which halts forked JVMs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractFirstDeliveryCrashWatchTest {

    /** The database this suite runs on. */
    abstract InboxDatabase.Product product();


    private static InboxDatabase database;

    @BeforeAll
    void start() {
        database = InboxDatabase.create(product(), "inbox_crash_watch");
    }

    private static String status(String scope, String key) {
        return database.db.queryLong("SELECT count(*) FROM postbox_inbox WHERE scope = '" + scope
                + "' AND idempotency_key = '" + key + "' AND status = 'IN_PROGRESS' AND attempts = 1 "
                + "AND locked_until > clock_timestamp()") == 1 ? "IN_PROGRESS" : "other";
    }

    @Test
    void aSlowFirstDeliveryHasItsRecordCommittedWhileItRunsAndCompletesItItself() throws Exception {
        String scope = "slow-first";
        InboxRuntime runtime = database.runtime(Map.of("postbox.inbox.scheduler.enabled", "false",
                "postbox.inbox.first-delivery.mark-after", "100ms"));
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        runtime.inbox().register(scope, payload -> {
            calls.incrementAndGet();
            database.effect(scope, "s-1", "slow");
            release.await(30, TimeUnit.SECONDS);
            return "done";
        });
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<String> first = pool.submit(() -> runtime.inbox().process(scope, "s-1", "{}", String.class).value());
            // the mark is committed by its own transaction while the handler's is still open
            for (int i = 0; i < 1000 && !status(scope, "s-1").equals("IN_PROGRESS"); i++) {
                Thread.sleep(10);
            }
            assertThat(status(scope, "s-1")).isEqualTo("IN_PROGRESS");
            assertThat(database.db.queryLong("SELECT count(*) FROM effect WHERE scope = 'slow-first'")).isZero();
            assertThatThrownBy(() -> runtime.inbox().process(scope, "s-1", "{}", String.class))
                    .isInstanceOf(DuplicateInProgressException.class);
            release.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(runtime.inbox().process(scope, "s-1", "{}", String.class).value()).isEqualTo("done");
        } finally {
            release.countDown();
            pool.shutdown();
            runtime.close();
        }
        assertThat(calls).hasValue(1);
        assertThat(database.db.queryLong("SELECT count(*) FROM effect WHERE scope = 'slow-first'")).isEqualTo(1);
        InboxRecord record = runtime.history().find(scope, "s-1").orElseThrow();
        assertThat(record.status()).isEqualTo(InboxStatus.COMPLETED);
        assertThat(record.attempts()).isEqualTo(1);
        assertThat(record.history()).extracting(InboxAttempt::outcome).containsExactly("COMPLETED");
    }

    @Test
    void aSlowFirstDeliveryThatFailsRecordsTheFailureOnItsCommittedRecord() throws Exception {
        String scope = "slow-failing";
        InboxRuntime runtime = database.runtime(Map.of("postbox.inbox.scheduler.enabled", "false",
                "postbox.inbox.first-delivery.mark-after", "50ms",
                "postbox.inbox.\"slow-failing\".initial-delay", "PT1H"));
        runtime.inbox().register(scope, payload -> {
            database.effect(scope, "f-1", "rolled back");
            for (int i = 0; i < 1000 && !status(scope, "f-1").equals("IN_PROGRESS"); i++) {
                Thread.sleep(10);
            }
            throw new IllegalStateException("ledger timed out");
        });
        try {
            assertThatThrownBy(() -> runtime.inbox().process(scope, "f-1", "{}", String.class))
                    .isInstanceOf(ProcessingDeferredException.class).hasMessageContaining("ledger timed out");
        } finally {
            runtime.close();
        }
        InboxRecord record = runtime.history().find(scope, "f-1").orElseThrow();
        assertThat(record.status()).isEqualTo(InboxStatus.FAILED);
        assertThat(record.attempts()).isEqualTo(1);
        assertThat(record.nextAttemptAt()).isNotNull();
        assertThat(record.history()).extracting(InboxAttempt::outcome).containsExactly("FAILED");
        assertThat(database.db.queryLong("SELECT count(*) FROM effect WHERE scope = 'slow-failing'")).isZero();
    }

    @Test
    void aFastFirstDeliveryCommitsNothingBeforeItsOneTransaction() throws Exception {
        String scope = "fast-first";
        InboxRuntime runtime = database.runtime(Map.of("postbox.inbox.scheduler.enabled", "false"));
        AtomicReference<String> seenByHandler = new AtomicReference<>();
        runtime.inbox().register(scope, payload -> {
            seenByHandler.set(database.db.queryLong(
                    "SELECT count(*) FROM postbox_inbox WHERE scope = 'fast-first'") == 0 ? "no record" : "record");
            return "ok";
        });
        try {
            assertThat(runtime.inbox().process(scope, "q-1", "{}", String.class).value()).isEqualTo("ok");
        } finally {
            runtime.close();
        }
        assertThat(seenByHandler).hasValue("no record");
    }

    @Test
    void inTheStartUpWindowAFirstDeliveryCommitsItsRecordBeforeTheHandlerRuns() throws Exception {
        String scope = "window-first";
        InboxRuntime runtime = database.runtime(Map.of("postbox.inbox.scheduler.enabled", "false",
                "postbox.inbox.first-delivery.claim-after-start", "PT1M"));
        AtomicReference<String> seenByHandler = new AtomicReference<>();
        runtime.inbox().register(scope, payload -> {
            seenByHandler.set(status(scope, "w-1")); // read by another connection: committed
            database.effect(scope, "w-1", "once");
            return "ok";
        });
        try {
            assertThat(runtime.inbox().process(scope, "w-1", "{}", String.class).value()).isEqualTo("ok");
            assertThat(runtime.inbox().process(scope, "w-1", "{}", String.class).replayed()).isTrue();
        } finally {
            runtime.close();
        }
        assertThat(seenByHandler).hasValue("IN_PROGRESS");
        // a duplicate while another delivery holds the key's lock (as a concurrent duplicate does for a moment)
        // answers from the record, not 409: found on Payara, 8 concurrent resends of a completed webhook
        try (var held = database.holdKeyLock(scope, "w-1")) {
            InboxRuntime again = database.runtime(Map.of("postbox.inbox.scheduler.enabled", "false",
                    "postbox.inbox.first-delivery.claim-after-start", "PT1M"));
            again.inbox().register(scope, payload -> "not again");
            try {
                assertThat(again.inbox().process(scope, "w-1", "{}", String.class).value()).isEqualTo("ok");
            } finally {
                again.close();
            }
        }
        InboxRecord record = runtime.history().find(scope, "w-1").orElseThrow();
        assertThat(record.status()).isEqualTo(InboxStatus.COMPLETED);
        assertThat(record.attempts()).isEqualTo(1);
        assertThat(database.db.queryLong("SELECT count(*) FROM effect WHERE scope = 'window-first'")).isEqualTo(1);
    }
}
