package dev.postbox.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.arjuna.ats.internal.jta.transaction.arjunacore.TransactionManagerImple;
import dev.postbox.outbox.support.OutboxDatabase;
import dev.postbox.outbox.support.TestJta;
import dev.postbox.testkit.TestDatabase;
import java.util.function.Function;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.transaction.jta.platform.internal.JBossStandAloneJtaPlatform;
import org.hibernate.engine.transaction.jta.platform.spi.JtaPlatform;
import org.junit.jupiter.api.Test;

/** {@link AbstractOutboxEntityListenerTest} on Narayana, with Hibernate's own platform for it. */
class OutboxEntityListenerOnNarayanaTest extends AbstractOutboxEntityListenerTest {

    @Override
    protected OutboxDatabase database() {
        return OutboxDatabase.POSTGRESQL;
    }

    @Override
    protected Function<TestDatabase, TestJta> transactionManager() {
        return TestJta.NARAYANA;
    }

    @Test
    void hibernateRanOnNarayana() {
        JtaPlatform platform = emf.unwrap(SessionFactoryImplementor.class).getServiceRegistry()
                .getService(JtaPlatform.class);
        assertThat(platform).isInstanceOf(JBossStandAloneJtaPlatform.class);
        assertThat(platform.retrieveTransactionManager()).isInstanceOf(TransactionManagerImple.class);
        assertThat(harness.jta.transactionManager()).isInstanceOf(TransactionManagerImple.class);
    }
}
