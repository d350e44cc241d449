package dev.postbox.inbox.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.inbox.InboxStatus;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code postbox.inbox.scheduler.concurrency}: the scheduler runs that many due records at once (a backlog of
 * received records is not worked off one at a time), never more, and each record still runs exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractSchedulerConcurrencyTest {

    /** The database this suite runs on. */
    abstract InboxDatabase.Product product();

    private InboxDatabase database;

    @BeforeAll
    void start() {
        database = InboxDatabase.create(product(), "inbox_sched_conc");
    }

    @Test
    void aBacklogRunsOnAsManyLoopsAsConfiguredAndEachRecordOnce() throws Exception {
        String scope = "backlog-4";
        int loops = 4;
        int backlog = 12;
        InboxRuntime runtime = database.runtime(Map.of("postbox.inbox.poll-interval", "PT0.01S",
                "postbox.inbox.scheduler.concurrency", String.valueOf(loops)));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        // the first calls wait until `loops` of them run at the same time: reached only if the loops run in parallel
        CountDownLatch allIn = new CountDownLatch(loops);
        runtime.inbox().register(scope, payload -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            calls.incrementAndGet();
            try {
                allIn.countDown();
                allIn.await(30, TimeUnit.SECONDS);
                database.effect(scope, payload, "ok");
                return "ok";
            } finally {
                running.decrementAndGet();
            }
        });
        for (int i = 0; i < backlog; i++) {
            runtime.inbox().receive(scope, "b-" + i, "{\"i\":" + i + "}");
        }
        runtime.start();
        try {
            assertThat(allIn.await(30, TimeUnit.SECONDS)).as("%s handler calls ran at once", loops).isTrue();
            for (int i = 0; i < backlog; i++) {
                InboxRecoveryTest.awaitStatus(runtime.history(), scope, "b-" + i, InboxStatus.COMPLETED);
            }
        } finally {
            runtime.close();
        }
        assertThat(maxRunning.get()).isEqualTo(loops);
        assertThat(calls).hasValue(backlog);
        assertThat(database.effects(scope)).isEqualTo(backlog);
        assertThat(database.db.queryLong("SELECT max(attempts) FROM postbox_inbox WHERE scope = '" + scope + "'"))
                .isEqualTo(1);
    }

    @Test
    void concurrencyOneRunsOneRecordAtATime() throws Exception {
        String scope = "backlog-1";
        int backlog = 5;
        InboxRuntime runtime = database.runtime(Map.of("postbox.inbox.poll-interval", "PT0.01S",
                "postbox.inbox.scheduler.concurrency", "1"));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        runtime.inbox().register(scope, payload -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(50);
                database.effect(scope, payload, "ok");
                return "ok";
            } finally {
                running.decrementAndGet();
            }
        });
        for (int i = 0; i < backlog; i++) {
            runtime.inbox().receive(scope, "s-" + i, "{\"i\":" + i + "}");
        }
        runtime.start();
        try {
            for (int i = 0; i < backlog; i++) {
                InboxRecoveryTest.awaitStatus(runtime.history(), scope, "s-" + i, InboxStatus.COMPLETED);
            }
        } finally {
            runtime.close();
        }
        assertThat(maxRunning.get()).isEqualTo(1);
        assertThat(database.effects(scope)).isEqualTo(backlog);
    }
}
