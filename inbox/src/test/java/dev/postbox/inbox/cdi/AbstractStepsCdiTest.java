package dev.postbox.inbox.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.inbox.InboxHistory;
import dev.postbox.inbox.InboxRecord;
import dev.postbox.inbox.InboxStatus;
import dev.postbox.inbox.InboxStep;
import dev.postbox.inbox.ProcessingDeferredException;
import dev.postbox.inbox.Steps;
import dev.postbox.inbox.internal.InboxDatabase;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code @Inject Steps} in an {@code @Idempotent} method (Weld SE, LocalJta, real PostgreSQL, running scheduler). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractStepsCdiTest {

    /** The database this suite runs on. */
    abstract InboxDatabase.Product product();


    private static WeldContainer container;
    private static StepDeposits deposits;
    private static InboxHistory history;

    @BeforeAll
    void start() {
        TestEnvironment.database = InboxDatabase.create(product(), "inbox_steps_cdi");
        container = new Weld("inbox-steps-cdi-test").disableDiscovery()
                .addExtension(new dev.postbox.inbox.internal.cdi.InboxExtension())
                .addBeanClasses(TestEnvironment.class, StepDeposits.class)
                .initialize();
        deposits = container.select(StepDeposits.class).get();
        history = container.select(InboxHistory.class).get();
    }

    @AfterAll
    static void stop() {
        if (container != null) {
            container.shutdown();
        }
    }

    @Test
    void theDeferredRetryOfAnIdempotentMethodResumesAfterItsCompletedStep() throws Exception {
        PaymentEvent event = new PaymentEvent("dep-1", 500);
        assertThatThrownBy(() -> deposits.deposit(event)).isInstanceOf(ProcessingDeferredException.class)
                .hasStackTraceContaining("ledger down");

        InboxRecord done = awaitCompleted("StepDeposits#deposit", "dep-1");
        assertThat(deposits.charges()).isEqualTo(1); // the card was charged once
        assertThat(deposits.bookings()).isEqualTo(2);
        assertThat(TestEnvironment.database.effects("deposit")).isEqualTo(1);
        assertThat(deposits.deposit(event)).isEqualTo("ch_1 for 500");
        assertThat(history.steps(done.id())).extracting(InboxStep::name, InboxStep::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("charge", "COMPLETED"),
                org.assertj.core.groups.Tuple.tuple("book", "FAILED"),
                org.assertj.core.groups.Tuple.tuple("book", "COMPLETED"));
    }

    @Test
    void theInjectedStepsOutsideAnIdempotentMethodAreAClearError() {
        Steps steps = container.select(Steps.class).get();
        assertThatThrownBy(() -> steps.run("charge", String.class, () -> "x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside a record processed by the inbox");
    }

    private static InboxRecord awaitCompleted(String scope, String key) throws InterruptedException {
        for (int i = 0; i < 1000; i++) {
            InboxRecord record = history.find(scope, key).orElse(null);
            if (record != null && record.status() == InboxStatus.COMPLETED) {
                return record;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(scope + "/" + key + " did not complete: " + history.find(scope, key));
    }
}
