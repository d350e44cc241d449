package dev.postbox.inbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.inbox.Inbox;
import dev.postbox.inbox.InboxAttempt;
import dev.postbox.inbox.InboxProgress;
import dev.postbox.inbox.InboxRecord;
import dev.postbox.inbox.InboxStatus;
import dev.postbox.inbox.InboxStep;
import dev.postbox.inbox.ProcessingDeferredException;
import dev.postbox.inbox.Steps;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Recorded steps ({@link Steps}) through the programmatic {@link Inbox}, on a real PostgreSQL and LocalJta. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractInboxStepsTest {

    /** The database this suite runs on. */
    abstract InboxDatabase.Product product();


    private static InboxDatabase database;
    private static InboxRuntime runtime;
    private static Inbox inbox;
    private static Steps steps;

    @BeforeAll
    void start() {
        database = InboxDatabase.create(product(), "inbox_steps");
        runtime = database.runtime(Map.of(
                "postbox.inbox.initial-delay", "PT0.001S",
                "postbox.inbox.jitter", "0",
                "postbox.inbox.\"once\".max-attempts", "1"));
        inbox = runtime.inbox();
        steps = inbox.steps();
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    /** A JSON-B result type, as a gateway client would return. */
    public static final class Charge {
        public String id;
        public long amount;

        public Charge() {
        }

        Charge(String id, long amount) {
            this.id = id;
            this.amount = amount;
        }
    }

    @Test
    void threeStepsFailingAtTheThirdResumeOnRetryWithoutRerunningTheFirstTwo() throws Exception {
        String scope = "deposit";
        AtomicInteger charges = new AtomicInteger();
        AtomicInteger bookings = new AtomicInteger();
        AtomicInteger notifications = new AtomicInteger();
        AtomicInteger handlerCalls = new AtomicInteger();
        inbox.register(scope, payload -> {
            handlerCalls.incrementAndGet();
            Charge charge = steps.run("charge", Charge.class,
                    () -> new Charge("ch_" + charges.incrementAndGet(), 500));
            Integer entry = steps.run("book", Integer.class, () -> 1000 + bookings.incrementAndGet());
            steps.run("notify", () -> {
                if (notifications.incrementAndGet() == 1) {
                    throw new IllegalStateException("mailer unavailable");
                }
            });
            database.effect(scope, "d-1", charge.id + "/" + entry);
            return charge.id + " " + charge.amount + " entry " + entry;
        });

        assertThatThrownBy(() -> inbox.process(scope, "d-1", "{\"amount\":500}", String.class))
                .isInstanceOf(ProcessingDeferredException.class).hasMessageContaining("mailer unavailable");
        assertThat(database.effects(scope)).isZero(); // the handler's own transaction rolled back
        runWhenDue();

        InboxRecord done = inbox.history().find(scope, "d-1").orElseThrow();
        assertThat(done.status()).isEqualTo(InboxStatus.COMPLETED);
        assertThat(done.history()).extracting(InboxAttempt::outcome).containsExactly("FAILED", "COMPLETED");
        assertThat(handlerCalls).hasValue(2);
        // steps 1 and 2 ran once; the retry got their stored results; step 3 ran again after it threw
        assertThat(charges).hasValue(1);
        assertThat(bookings).hasValue(1);
        assertThat(notifications).hasValue(2);
        assertThat(inbox.process(scope, "d-1", "{\"amount\":500}", String.class).value())
                .isEqualTo("ch_1 500 entry 1001");
        assertThat(database.db.queryLong("SELECT count(*) FROM effect WHERE scope = 'deposit' AND note = 'ch_1/1001'"))
                .isEqualTo(1);

        List<InboxStep> history = inbox.history().steps(done.id());
        assertThat(history).extracting(InboxStep::seq, InboxStep::name, InboxStep::outcome, InboxStep::attempt)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, "charge", "COMPLETED", 1),
                        org.assertj.core.groups.Tuple.tuple(2, "book", "COMPLETED", 1),
                        org.assertj.core.groups.Tuple.tuple(3, "notify", "FAILED", 1),
                        org.assertj.core.groups.Tuple.tuple(3, "notify", "COMPLETED", 2));
        assertThat(history.get(0).result()).contains("\"id\":\"ch_1\"");
        assertThat(history.get(1).result()).isEqualTo("1001");
        assertThat(history.get(2).error()).contains("mailer unavailable");
        assertThat(history.get(3).result()).isNull();
        assertThat(history).allSatisfy(step -> {
            assertThat(step.startedAt()).isNotNull();
            assertThat(step.duration().isNegative()).isFalse();
        });
        assertThat(history.get(3).startedAt()).isAfter(history.get(2).startedAt());
    }

    @Test
    void aStepThatThrewRunsAgainOnTheNextAttemptAndItsFailureIsInTheHistory() throws Exception {
        String scope = "flaky-step";
        AtomicInteger calls = new AtomicInteger();
        inbox.register(scope, payload -> steps.run("call-api", String.class, () -> {
            if (calls.incrementAndGet() <= 2) {
                throw new java.io.IOException("connection reset " + calls.get());
            }
            return "answer " + calls.get();
        }));

        assertThatThrownBy(() -> inbox.process(scope, "f-1", "{}", String.class))
                .isInstanceOf(ProcessingDeferredException.class);
        runWhenDue();
        runWhenDue();

        InboxRecord done = inbox.history().find(scope, "f-1").orElseThrow();
        assertThat(done.status()).isEqualTo(InboxStatus.COMPLETED);
        assertThat(calls).hasValue(3);
        assertThat(inbox.process(scope, "f-1", "{}", String.class).value()).isEqualTo("answer 3");
        assertThat(inbox.history().steps(done.id())).extracting(InboxStep::outcome, InboxStep::error)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("FAILED", "java.io.IOException: connection reset 1"),
                        org.assertj.core.groups.Tuple.tuple("FAILED", "java.io.IOException: connection reset 2"),
                        org.assertj.core.groups.Tuple.tuple("COMPLETED", null));
    }

    @Test
    void aChangedStepSequenceIsAClearErrorNotASilentSkip() throws Exception {
        String scope = "reordered";
        AtomicInteger attempt = new AtomicInteger();
        AtomicInteger validations = new AtomicInteger();
        inbox.register(scope, payload -> {
            if (attempt.incrementAndGet() == 1) {
                steps.run("reserve", String.class, () -> "r-1");
                throw new IllegalStateException("crash after reserve");
            }
            // a new release put another step first
            steps.run("validate", () -> validations.incrementAndGet());
            return "never";
        });

        assertThatThrownBy(() -> inbox.process(scope, "r-1", "{}", String.class))
                .isInstanceOf(ProcessingDeferredException.class);
        runWhenDue();

        InboxRecord dead = inbox.history().find(scope, "r-1").orElseThrow();
        assertThat(validations).hasValue(0);
        assertThat(dead.status()).isEqualTo(InboxStatus.DEAD); // no retry fixes it
        assertThat(dead.lastError()).contains("step 1", "scope 'reordered'", "'r-1'", "\"validate\"", "\"reserve\"",
                "step sequence changed", "postbox_inbox_step");
    }

    @Test
    void aStepsResultSurvivesTheRollbackOfTheHandlersTransaction() throws Exception {
        String scope = "rolled-back";
        AtomicInteger charges = new AtomicInteger();
        AtomicInteger attempt = new AtomicInteger();
        inbox.register(scope, payload -> {
            String charge = steps.run("charge", String.class, () -> "ch_" + charges.incrementAndGet());
            database.effect(scope, "rb-1", charge);
            if (attempt.incrementAndGet() == 1) {
                throw new IllegalStateException("ledger down after the charge");
            }
            return charge;
        });

        assertThatThrownBy(() -> inbox.process(scope, "rb-1", "{}", String.class))
                .isInstanceOf(ProcessingDeferredException.class);
        // the handler's work rolled back, the step's result did not
        assertThat(database.effects(scope)).isZero();
        assertThat(database.db.queryLong("SELECT count(*) FROM postbox_inbox_step WHERE scope = 'rolled-back' "
                + "AND status = 'COMPLETED' AND result = '\"ch_1\"'")).isEqualTo(1);

        runWhenDue();
        assertThat(charges).hasValue(1);
        assertThat(database.effects(scope)).isEqualTo(1);
        assertThat(inbox.process(scope, "rb-1", "{}", String.class).value()).isEqualTo("ch_1");
    }

    @Test
    void aReplayOfACompletedRecordCallsNoStepAndADeadRecordsReplayResumesAfterItsCompletedSteps() throws Exception {
        String scope = "once"; // max-attempts 1
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        boolean[] fixed = {false};
        inbox.register(scope, payload -> {
            String a = steps.run("first", String.class, () -> "a" + first.incrementAndGet());
            String b = steps.run("second", String.class, () -> {
                second.incrementAndGet();
                if (!fixed[0]) {
                    throw new IllegalStateException("bug in second");
                }
                return "b";
            });
            return a + b;
        });

        assertThatThrownBy(() -> inbox.process(scope, "o-1", "{}", String.class))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("bug in second");
        InboxRecord dead = inbox.history().find(scope, "o-1").orElseThrow();
        assertThat(dead.status()).isEqualTo(InboxStatus.DEAD);

        fixed[0] = true;
        inbox.history().replay(dead.id());
        assertThat(runtime.scheduler().runDue()).isEqualTo(1);
        assertThat(first).hasValue(1);
        assertThat(second).hasValue(2);
        assertThat(inbox.history().find(dead.id()).orElseThrow().status()).isEqualTo(InboxStatus.COMPLETED);

        // a duplicate of the completed record gets the stored result: no step runs
        assertThat(inbox.process(scope, "o-1", "{}", String.class).replayed()).isTrue();
        assertThat(inbox.process(scope, "o-1", "{}", String.class).value()).isEqualTo("a1b");
        assertThat(first).hasValue(1);
        assertThat(second).hasValue(2);
    }

    @Test
    void aTakeOverOfACrashedWorkersRecordReusesTheStepsItCompleted() throws Exception {
        String scope = "takeover";
        AtomicInteger reserves = new AtomicInteger();
        AtomicInteger charges = new AtomicInteger();
        inbox.register(scope, payload -> {
            String hold = steps.run("reserve", String.class, () -> "hold-" + reserves.incrementAndGet());
            String charge = steps.run("charge", String.class, () -> "ch-" + charges.incrementAndGet());
            return hold + " " + charge;
        });
        // what a worker that died inside step 2 of its first claimed attempt leaves: the record IN_PROGRESS with an
        // expired lease, and step 1 committed
        database.db.execute("INSERT INTO postbox_inbox (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, locked_until, claim_token, started_at, handler, arguments) VALUES "
                + "(gen_random_uuid(), 'takeover', 'tk-1', '"
                + dev.postbox.inbox.internal.json.CanonicalJson.sha256("{}") + "', 'IN_PROGRESS', 1, 3, "
                + "clock_timestamp() - interval '1 second', gen_random_uuid(), clock_timestamp() - interval "
                + "'1 minute', 'scope:takeover', '{}')",
                "INSERT INTO postbox_inbox_step (scope, idempotency_key, seq, name, status, attempt, result, "
                + "started_at, duration_ms) VALUES ('takeover', 'tk-1', 1, 'reserve', 'COMPLETED', 1, '\"hold-0\"', "
                + "clock_timestamp() - interval '50 seconds', 12)");

        assertThat(runtime.scheduler().runDue()).isEqualTo(1);
        InboxRecord done = inbox.history().find(scope, "tk-1").orElseThrow();
        assertThat(done.status()).isEqualTo(InboxStatus.COMPLETED);
        assertThat(done.history()).extracting(InboxAttempt::outcome).containsExactly("LEASE_EXPIRED", "COMPLETED");
        assertThat(reserves).hasValue(0); // the crashed worker's step 1 was not run again
        assertThat(charges).hasValue(1);
        assertThat(inbox.process(scope, "tk-1", "{}", String.class).value()).isEqualTo("hold-0 ch-1");
        assertThat(inbox.history().steps(done.id())).extracting(InboxStep::name, InboxStep::attempt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("reserve", 1),
                        org.assertj.core.groups.Tuple.tuple("charge", 2));
    }

    @Test
    void aLongJobResumesFromItsSavedCursorAndShowsItsProgress() throws Exception {
        String scope = "import";
        List<Integer> processed = new CopyOnWriteArrayList<>();
        AtomicInteger attempt = new AtomicInteger();
        int total = 10;
        inbox.register(scope, payload -> {
            boolean firstAttempt = attempt.incrementAndGet() == 1;
            int from = Integer.parseInt(steps.cursor().orElse("0"));
            for (int item = from; item < total; item++) {
                if (firstAttempt && item == 6) {
                    throw new IllegalStateException("source closed the connection at item 6");
                }
                processed.add(item);
                steps.saveCursor(Integer.toString(item + 1));
                steps.progress(item + 1, total);
            }
            return "imported " + processed.size();
        });

        assertThatThrownBy(() -> inbox.process(scope, "i-1", "{}", String.class))
                .isInstanceOf(ProcessingDeferredException.class);
        InboxRecord failed = inbox.history().find(scope, "i-1").orElseThrow();
        assertThat(inbox.history().progress(failed.id())).hasValueSatisfying(p -> {
            assertThat(p.done()).isEqualTo(6);
            assertThat(p.total()).isEqualTo(10);
            assertThat(p.cursor()).isEqualTo("6");
            assertThat(p.attempt()).isEqualTo(1);
        });

        runWhenDue();
        assertThat(processed).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        InboxProgress progress = inbox.history().progress(failed.id()).orElseThrow();
        assertThat(progress.done()).isEqualTo(10);
        assertThat(progress.cursor()).isEqualTo("10");
        assertThat(progress.attempt()).isEqualTo(2);
        assertThat(inbox.history().steps(failed.id())).isEmpty(); // progress is not a step
    }

    @Test
    void stepsOutsideARecordProcessedByTheInboxAreAClearError() {
        assertThatThrownBy(() -> steps.run("charge", String.class, () -> "x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Steps.run", "outside a record processed by the inbox", "@Idempotent");
        assertThatThrownBy(() -> steps.saveCursor("c")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Steps.saveCursor");
        assertThatThrownBy(() -> steps.cursor()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> steps.progress(1, 2)).isInstanceOf(IllegalStateException.class);
        // a handler that hands its steps to another thread: that thread has no record either
        inbox.register("threads", payload -> {
            var other = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return steps.run("elsewhere", String.class, () -> "x");
                } catch (IllegalStateException e) {
                    return "refused";
                }
            });
            return other.get();
        });
        assertThat(inbox.process("threads", "t-1", "{}", String.class).value()).isEqualTo("refused");
    }

    @Test
    void stepsOfAPurgedRecordArePurgedWithIt() throws Exception {
        InboxRuntime shortLived = database.runtime(Map.of("postbox.inbox.retention", "PT0.001S"));
        try {
            shortLived.inbox().register("purged", payload -> shortLived.inbox().steps()
                    .run("only", String.class, () -> "x"));
            shortLived.inbox().process("purged", "p-1", "{}", String.class);
            assertThat(database.db.queryLong("SELECT count(*) FROM postbox_inbox_step WHERE scope = 'purged'"))
                    .isEqualTo(1);
            Thread.sleep(5); // past the 1 ms retention (database clock)

            assertThat(shortLived.scheduler().purge()).isEqualTo(1);
            assertThat(database.rows("purged")).isZero();
            assertThat(database.db.queryLong("SELECT count(*) FROM postbox_inbox_step WHERE scope = 'purged'"))
                    .isZero();
        } finally {
            shortLived.close();
        }
    }

    /** Waits (bounded) until the scheduler finds a due record, runs it, and returns. */
    private static void runWhenDue() throws Exception {
        for (int i = 0; i < 1000; i++) {
            if (runtime.scheduler().runDue(1) > 0) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no record became due");
    }
}
