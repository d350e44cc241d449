package dev.postbox.inbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.inbox.DuplicateInProgressException;
import dev.postbox.inbox.InboxAttempt;
import dev.postbox.inbox.InboxHistory;
import dev.postbox.inbox.InboxRecord;
import dev.postbox.inbox.InboxStatus;
import dev.postbox.inbox.ProcessingDeferredException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Restarts, several instances, crashed workers: what must hold when processes come and go. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractInboxRecoveryTest {

    /** The database this suite runs on. */
    abstract InboxDatabase.Product product();


    private static InboxDatabase database;

    @BeforeAll
    void start() {
        database = InboxDatabase.create(product(), "inbox_recovery");
    }

    @Test
    void aPendingRetrySurvivesARestartOfTheComponent() throws Exception {
        String scope = "restart";
        Map<String, String> config = Map.of("postbox.inbox.\"restart\".initial-delay", "PT0.01S");
        InboxRuntime before = database.runtime(config);
        before.inbox().register(scope, payload -> {
            throw new IllegalStateException("database of the ledger is down");
        });
        assertThatThrownBy(() -> before.inbox().process(scope, "p-1", "{\"v\":1}", String.class))
                .isInstanceOf(ProcessingDeferredException.class);
        before.close();

        // a new instance (new engine, registry, scheduler) on the same database, with a working handler
        InboxRuntime after = database.runtime(config);
        AtomicInteger calls = new AtomicInteger();
        after.inbox().register(scope, payload -> {
            calls.incrementAndGet();
            database.effect(scope, "p-1", payload);
            return "booked";
        });
        after.start();
        try {
            InboxRecord done = awaitStatus(after.history(), scope, "p-1", InboxStatus.COMPLETED);
            assertThat(done.attempts()).isEqualTo(2);
            assertThat(calls).hasValue(1);
            assertThat(database.effects(scope)).isEqualTo(1);
            assertThat(after.inbox().process(scope, "p-1", "{\"v\":1}", String.class).value()).isEqualTo("booked");
        } finally {
            after.close();
        }
    }

    @Test
    void twoSchedulersOnOneDatabaseRunEachDueRetryExactlyOnce() throws Exception {
        String scope = "shared";
        int messages = 40;
        Map<String, String> config = Map.of("postbox.inbox.poll-interval", "PT0.005S",
                "postbox.inbox.\"shared\".initial-delay", "PT0.005S", "postbox.inbox.\"shared\".jitter", "0.5");
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        InboxRuntime a = database.runtime(config);
        InboxRuntime b = database.runtime(config);
        register(a, scope, attempts, 1);
        register(b, scope, attempts, 2);
        for (int i = 0; i < messages; i++) {
            assertThat(a.inbox().receive(scope, "m-" + i, "{\"key\":\"m-" + i + "\"}")).isTrue();
        }
        a.start();
        b.start();
        try {
            for (int i = 0; i < messages; i++) {
                awaitStatus(a.history(), scope, "m-" + i, InboxStatus.COMPLETED);
            }
        } finally {
            a.close();
            b.close();
        }
        // every message: one failing attempt and one retry, each run once, one effect
        assertThat(attempts).hasSize(messages);
        assertThat(attempts.values()).allSatisfy(n -> assertThat(n).hasValue(2));
        assertThat(database.effects(scope)).isEqualTo(messages);
        assertThat(database.db.queryLong("SELECT count(DISTINCT key) FROM effect WHERE scope = 'shared'"))
                .isEqualTo(messages);
        assertThat(database.db.queryLong("SELECT count(*) FROM postbox_inbox WHERE scope = 'shared' "
                + "AND (status <> 'COMPLETED' OR attempts <> 2)")).isZero();
    }

    private static void register(InboxRuntime runtime, String scope, Map<String, AtomicInteger> attempts,
            int instance) {
        runtime.inbox().register(scope, payload -> {
            String key = payload.substring(payload.indexOf("m-"), payload.lastIndexOf('"'));
            int attempt = attempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (attempt == 1) {
                throw new IllegalStateException("first attempt fails");
            }
            database.effect(scope, key, "instance " + instance);
            return instance;
        });
    }

    @Test
    void anExpiredLeaseIsTakenOverAndTheLateOriginalCannotAlsoComplete() throws Exception {
        String scope = "slow";
        // long enough that the immediate duplicate below still sees a live lease on a busy machine
        InboxRuntime runtime = database.runtime(Map.of("postbox.inbox.lease", "PT2S",
                "postbox.inbox.scheduler.enabled", "false", "postbox.inbox.\"slow\".initial-delay", "PT0.001S",
                "postbox.inbox.\"slow\".jitter", "0"));
        CountDownLatch originalRunning = new CountDownLatch(1);
        CountDownLatch releaseOriginal = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        runtime.inbox().register(scope, payload -> {
            int call = calls.incrementAndGet();
            if (call == 1) {
                throw new IllegalStateException("downstream unavailable"); // leaves a FAILED record to claim
            }
            database.effect(scope, "s-1", "call " + call);
            if (call == 2) {
                originalRunning.countDown();
                releaseOriginal.await(30, TimeUnit.SECONDS); // a stalled worker (GC pause, slow downstream)
            }
            return "call " + call;
        });
        assertThatThrownBy(() -> runtime.inbox().process(scope, "s-1", "{}", String.class))
                .isInstanceOf(ProcessingDeferredException.class);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // the retry claims the record (committed IN_PROGRESS with a lease) and stalls
            Future<String> original = pool.submit(() -> {
                while (true) {
                    try {
                        return runtime.inbox().process(scope, "s-1", "{}", String.class).value();
                    } catch (ProcessingDeferredException notDueYet) {
                        Thread.sleep(2);
                    }
                }
            });
            assertThat(originalRunning.await(30, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> runtime.inbox().process(scope, "s-1", "{}", String.class))
                    .isInstanceOf(DuplicateInProgressException.class);

            // once the lease has run out, a redelivery takes the record over and completes it
            String takeover = null;
            for (int i = 0; i < 3000 && takeover == null; i++) {
                try {
                    takeover = runtime.inbox().process(scope, "s-1", "{}", String.class).value();
                } catch (DuplicateInProgressException stillLeased) {
                    Thread.sleep(5);
                }
            }
            assertThat(takeover).isEqualTo("call 3");

            releaseOriginal.countDown();
            assertThatThrownBy(original::get).hasCauseInstanceOf(DuplicateInProgressException.class)
                    .hasMessageContaining("another worker took the record over");
        } finally {
            releaseOriginal.countDown();
            pool.shutdown();
            runtime.close();
        }
        InboxRecord record = runtime.history().find(scope, "s-1").orElseThrow();
        assertThat(record.status()).isEqualTo(InboxStatus.COMPLETED);
        assertThat(record.result()).isEqualTo("\"call 3\"");
        assertThat(record.attempts()).isEqualTo(3);
        assertThat(record.history()).extracting(InboxAttempt::outcome)
                .containsExactly("FAILED", "LEASE_EXPIRED", "COMPLETED");
        // the late original rolled back: only the take-over's effect exists
        assertThat(database.db.queryLong("SELECT count(*) FROM effect WHERE scope = 'slow'")).isEqualTo(1);
        assertThat(database.db.queryLong("SELECT count(*) FROM effect WHERE scope = 'slow' AND note = 'call 3'"))
                .isEqualTo(1);
    }

    @Test
    void aStalledFirstDeliveryHoldsItsKeyUntilItEndsAndLeavesNoRowWhileRunning() throws Exception {
        String scope = "stalled-first";
        InboxRuntime runtime = database.runtime(Map.of("postbox.inbox.scheduler.enabled", "false"));
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        runtime.inbox().register(scope, payload -> {
            calls.incrementAndGet();
            database.effect(scope, "f-1", "first");
            running.countDown();
            release.await(30, TimeUnit.SECONDS);
            return "done";
        });
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<String> first = pool.submit(() -> runtime.inbox().process(scope, "f-1", "{}", String.class).value());
            assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
            // the first delivery runs in one transaction: its record is not committed yet, its key lock is held
            assertThat(database.db.queryLong("SELECT count(*) FROM postbox_inbox WHERE scope = 'stalled-first'"))
                    .isZero();
            assertThatThrownBy(() -> runtime.inbox().process(scope, "f-1", "{}", String.class))
                    .isInstanceOf(DuplicateInProgressException.class);
            release.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(runtime.inbox().process(scope, "f-1", "{}", String.class).value()).isEqualTo("done");
        } finally {
            release.countDown();
            pool.shutdown();
            runtime.close();
        }
        assertThat(calls).hasValue(1);
        assertThat(database.db.queryLong("SELECT count(*) FROM effect WHERE scope = 'stalled-first'")).isEqualTo(1);
        InboxRecord record = runtime.history().find(scope, "f-1").orElseThrow();
        assertThat(record.attempts()).isEqualTo(1);
        assertThat(record.history()).extracting(InboxAttempt::outcome).containsExactly("COMPLETED");
    }

    @Test
    void theSchedulerTakesOverARecordWhoseWorkerCrashedAndBuriesOneThatKeepsCrashing() throws Exception {
        String scope = "crashed";
        InboxRuntime runtime = database.runtime(Map.of("postbox.inbox.\"crashed\".max-attempts", "2"));
        AtomicInteger calls = new AtomicInteger();
        runtime.inbox().register(scope, payload -> {
            calls.incrementAndGet();
            database.effect(scope, "c", payload);
            return "recovered";
        });
        // two records left IN_PROGRESS by a worker that died: one on its first attempt, one on its last
        insertCrashed(scope, "c-1", 1);
        insertCrashed(scope, "c-2", 2);
        try {
            assertThat(runtime.scheduler().runDue()).isEqualTo(1);
        } finally {
            runtime.close();
        }
        InboxRecord recovered = runtime.history().find(scope, "c-1").orElseThrow();
        assertThat(recovered.status()).isEqualTo(InboxStatus.COMPLETED);
        assertThat(recovered.history()).extracting(InboxAttempt::outcome).containsExactly("LEASE_EXPIRED", "COMPLETED");
        InboxRecord buried = runtime.history().find(scope, "c-2").orElseThrow();
        assertThat(buried.status()).isEqualTo(InboxStatus.DEAD);
        assertThat(buried.lastError()).contains("never finished");
        assertThat(calls).hasValue(1);
        assertThat(runtime.history().list(InboxHistory.Filter.all().scope(scope))).hasSize(2);
    }

    private static void insertCrashed(String scope, String key, int attempts) {
        database.db.execute("INSERT INTO postbox_inbox (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, locked_until, claim_token, started_at, handler, arguments) VALUES "
                + "(gen_random_uuid(), '" + scope + "', '" + key + "', '"
                + dev.postbox.inbox.internal.json.CanonicalJson.sha256("{}") + "', 'IN_PROGRESS', " + attempts
                + ", 2, clock_timestamp() - interval '1 second', gen_random_uuid(), clock_timestamp() - interval "
                + "'1 minute', 'scope:" + scope + "', '{}')");
    }

    static InboxRecord awaitStatus(InboxHistory history, String scope, String key, InboxStatus status)
            throws InterruptedException {
        InboxRecord record = null;
        for (int i = 0; i < 3000; i++) {
            record = history.find(scope, key).orElse(null);
            if (record != null && record.status() == status) {
                return record;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("record " + scope + "/" + key + " never became " + status + ": " + record);
    }
}
