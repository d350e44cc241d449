package dev.postbox.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.outbox.support.OutboxDatabase;
import dev.postbox.outbox.support.TestJta;
import dev.postbox.testkit.TestDatabase;
import dev.postbox.testkit.jta.LocalJta;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** {@link AbstractOutboxTransactionTest} on the test kit's small JTA. */
class OutboxTransactionOnLocalJtaTest extends AbstractOutboxTransactionTest {

    @Override
    protected OutboxDatabase database() {
        return OutboxDatabase.POSTGRESQL;
    }

    @Override
    protected Function<TestDatabase, TestJta> transactionManager() {
        return TestJta.LOCAL_JTA;
    }

    @Test
    void theseTestsRanOnLocalJta() {
        assertThat(harness.jta.transactionManager()).isInstanceOf(LocalJta.class);
        assertThat(harness.jta.registry()).isInstanceOf(LocalJta.class);
    }
}
