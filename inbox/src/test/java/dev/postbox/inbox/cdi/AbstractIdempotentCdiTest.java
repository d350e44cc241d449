package dev.postbox.inbox.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.inbox.Inbox;
import dev.postbox.inbox.InboxAttempt;
import dev.postbox.inbox.InboxHistory;
import dev.postbox.inbox.InboxRecord;
import dev.postbox.inbox.InboxStatus;
import dev.postbox.inbox.PayloadMismatchException;
import dev.postbox.inbox.ProcessingDeferredException;
import dev.postbox.inbox.internal.InboxDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code @Idempotent} through the CDI layer (Weld SE, LocalJta, real PostgreSQL). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractIdempotentCdiTest {

    /** The database this suite runs on. */
    abstract InboxDatabase.Product product();


    private static WeldContainer container;
    private static PaymentListener listener;
    private static InboxHistory history;

    @BeforeAll
    void start() {
        TestEnvironment.database = InboxDatabase.create(product(), "inbox_cdi");
        container = new Weld("inbox-cdi-test").disableDiscovery()
                .addExtension(new dev.postbox.inbox.internal.cdi.InboxExtension())
                .addBeanClasses(TestEnvironment.class, PaymentListener.class)
                .initialize();
        listener = container.select(PaymentListener.class).get();
        history = container.select(InboxHistory.class).get();
    }

    @AfterAll
    static void stop() {
        if (container != null) {
            container.shutdown();
        }
    }

    @Test
    void withAutomaticKeysThePayloadsEventIdIsTheKey() {
        assertThat(listener.settle(new PaymentListener.Settlement("set-1", 10))).isEqualTo("settled set-1");
        assertThat(listener.settle(new PaymentListener.Settlement("set-1", 10))).isEqualTo("settled set-1");
        assertThatThrownBy(() -> listener.settle(new PaymentListener.Settlement("set-1", 11)))
                .isInstanceOf(PayloadMismatchException.class);
        assertThat(listener.calls("settle")).isEqualTo(1);
        assertThat(history.find("settle", "set-1")).isPresent();
    }

    @Test
    void concurrentDuplicatesThroughTheInterceptorHaveOneEffectAndGetTheStoredResult() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            results.add(pool.submit(() -> {
                try {
                    return listener.book(new PaymentEvent("pay_1", 500));
                } catch (dev.postbox.inbox.DuplicateInProgressException e) {
                    return "409";
                }
            }));
        }
        for (Future<String> r : results) {
            assertThat(r.get()).isIn("booked pay_1 for 500", "409");
        }
        pool.shutdown();
        assertThat(listener.book(new PaymentEvent("pay_1", 500))).isEqualTo("booked pay_1 for 500");
        assertThat(listener.calls("book")).isEqualTo(1);
        assertThat(TestEnvironment.database.effects("book")).isEqualTo(1);
        InboxRecord record = history.find("PaymentListener#book", "pay_1").orElseThrow();
        assertThat(record.status()).isEqualTo(InboxStatus.COMPLETED);
        assertThat(record.result()).isEqualTo("\"booked pay_1 for 500\"");

        assertThatThrownBy(() -> listener.book(new PaymentEvent("pay_1", 501)))
                .isInstanceOf(PayloadMismatchException.class);
        assertThat(listener.calls("book")).isEqualTo(1);
    }

    @Test
    void aFailingVoidMethodReturnsAndIsRetriedThroughTheBeanUntilItSucceeds() throws Exception {
        listener.failFirst(2);
        listener.post("msg-7", List.of(1, 2, 3)); // fails, is recorded, returns: the work will be retried

        InboxRecord done = awaitStatus("ledger", "msg-7", InboxStatus.COMPLETED);
        assertThat(done.attempts()).isEqualTo(3);
        assertThat(done.handler()).contains("PaymentListener#post(java.lang.String,java.util.List)");
        assertThat(done.history()).extracting(InboxAttempt::outcome).containsExactly("FAILED", "FAILED", "COMPLETED");
        assertThat(done.history().get(0).error()).contains("ledger unavailable, call 1");
        assertThat(listener.calls("post")).isEqualTo(3);
        // the failed attempts rolled back, the third committed its effect with the completion
        assertThat(TestEnvironment.database.effects("ledger")).isEqualTo(1);

        listener.post("msg-7", List.of(1, 2, 3));
        assertThat(listener.calls("post")).isEqualTo(3);
    }

    @Test
    void aNonVoidMethodSaysDeferredThenDuplicatesGetTheRetriedResult() throws Exception {
        PaymentEvent event = new PaymentEvent("q-1", 21);
        assertThatThrownBy(() -> listener.quote(event)).isInstanceOf(ProcessingDeferredException.class)
                .hasMessageContaining("pricing service timed out");

        awaitStatus("PaymentListener#quote", "q-1", InboxStatus.COMPLETED);
        Map<String, Object> answer = listener.quote(event);
        assertThat(answer).containsEntry("id", "q-1");
        assertThat(((Number) answer.get("price")).intValue()).isEqualTo(42);
        assertThat(((Number) answer.get("call")).intValue()).isEqualTo(2);
        assertThat(listener.calls("quote")).isEqualTo(2);
    }

    @Test
    void anAbortOnFailureIsDeadAtOnceAndTheCallerSeesTheOriginalException() {
        assertThatThrownBy(() -> listener.validate(new PaymentEvent("v-1", -5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("amount must be positive");
        List<InboxRecord> dead = history.list(InboxHistory.Filter.all().scope("PaymentListener#validate")
                .status(InboxStatus.DEAD));
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).attempts()).isEqualTo(1);
        assertThat(dead.get(0).key()).hasSize(64); // no key given: the payload hash
        assertThatThrownBy(() -> listener.validate(new PaymentEvent("v-1", -5)))
                .isInstanceOf(dev.postbox.inbox.ProcessingDeadException.class);
        assertThat(listener.calls("validate")).isEqualTo(1);
    }

    @Test
    void withoutDeferredRetriesTheCallerSeesTheFailureAndTheNextDeliveryRunsAgain() {
        PaymentEvent event = new PaymentEvent("s-1", 3);
        assertThatThrownBy(() -> listener.sync(event)).isInstanceOf(IllegalStateException.class)
                .hasMessage("first call fails");
        InboxRecord failed = history.find("sync", "s-1").orElseThrow();
        assertThat(failed.status()).isEqualTo(InboxStatus.FAILED);
        assertThat(failed.nextAttemptAt()).isNull();
        assertThat(failed.handler()).isNull();

        assertThat(listener.sync(event)).isEqualTo("ok 2");
        assertThat(listener.sync(event)).isEqualTo("ok 2");
        assertThat(listener.calls("sync")).isEqualTo(2);
    }

    @Test
    void aMissingKeyOrANullPayloadIsRejectedBeforeAnyRowIsWritten() {
        assertThatThrownBy(() -> listener.book(new PaymentEvent(null, 5)))
                .isInstanceOf(dev.postbox.inbox.MissingIdempotencyKeyException.class)
                .hasMessageContaining("key expression 'event.id'");
        assertThatThrownBy(() -> listener.validate(null))
                .isInstanceOfSatisfying(dev.postbox.inbox.InvalidMessageException.class, e -> assertThat(e.reason())
                        .isEqualTo(dev.postbox.inbox.InvalidMessageException.Reason.NULL_PAYLOAD));
        assertThat(TestEnvironment.database.db.queryLong(
                "SELECT count(*) FROM postbox_inbox WHERE scope = 'PaymentListener#book' AND idempotency_key <> 'pay_1'"))
                .isZero();
        assertThat(listener.calls("validate")).isLessThanOrEqualTo(1);
    }

    @Test
    void storedArgumentsThatNoLongerFitTheMethodMakeTheRecordDeadAtOnce() throws Exception {
        listener.archive("a-1", List.of(1, 2));
        // as if the parameter type had changed since the retry was stored
        TestEnvironment.database.db.execute("UPDATE postbox_inbox SET arguments = '[\"a-1\", \"not a list\"]' "
                + "WHERE scope = 'archive' AND idempotency_key = 'a-1'");

        InboxRecord dead = awaitStatus("archive", "a-1", InboxStatus.DEAD);
        assertThat(dead.attempts()).isEqualTo(2);
        assertThat(dead.lastError()).contains("cannot be read back").contains("PaymentListener#archive");
        assertThat(listener.calls("archive")).isEqualTo(1);
    }

    @Test
    void theInboxBeanIsInjectable() {
        Inbox inbox = container.select(Inbox.class).get();
        inbox.register("cdi-programmatic", payload -> "seen " + payload.length());
        assertThat(inbox.process("cdi-programmatic", "k", "{\"a\":1}", String.class).value()).isEqualTo("seen 7");
        assertThat(inbox.history().find("cdi-programmatic", "k")).isPresent();
    }

    private static InboxRecord awaitStatus(String scope, String key, InboxStatus status) throws InterruptedException {
        InboxRecord record = null;
        for (int i = 0; i < 3000; i++) {
            record = history.find(scope, key).orElse(null);
            if (record != null && record.status() == status) {
                return record;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(scope + "/" + key + " never became " + status + ": " + record);
    }
}
