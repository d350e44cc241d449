package dev.postbox.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.outbox.support.OutboxDatabase;
import dev.postbox.outbox.support.TestJta;
import dev.postbox.testkit.TestDatabase;
import dev.postbox.testkit.jta.LocalJtaPlatform;
import java.util.function.Function;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.transaction.jta.platform.spi.JtaPlatform;
import org.junit.jupiter.api.Test;

/** {@link AbstractOutboxEntityListenerTest} on the test kit's small JTA. */
class OutboxEntityListenerOnLocalJtaTest extends AbstractOutboxEntityListenerTest {

    @Override
    protected OutboxDatabase database() {
        return OutboxDatabase.POSTGRESQL;
    }

    @Override
    protected Function<TestDatabase, TestJta> transactionManager() {
        return TestJta.LOCAL_JTA;
    }

    @Test
    void hibernateRanOnLocalJta() {
        assertThat(emf.unwrap(SessionFactoryImplementor.class).getServiceRegistry().getService(JtaPlatform.class))
                .isInstanceOf(LocalJtaPlatform.class);
    }
}
