package dev.postbox.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.arjuna.ats.internal.jta.transaction.arjunacore.TransactionManagerImple;
import dev.postbox.outbox.support.OutboxDatabase;
import dev.postbox.outbox.support.TestJta;
import dev.postbox.testkit.TestDatabase;
import java.util.function.Function;
import org.hibernate.dialect.MariaDBDialect;
import org.hibernate.engine.jdbc.env.spi.JdbcEnvironment;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.Test;

/** {@link AbstractOutboxEntityListenerTest} on MariaDB with Narayana and an enlisted MariaDB XA connection. */
class OutboxEntityListenerOnMariaDbNarayanaTest extends AbstractOutboxEntityListenerTest {

    @Override
    protected OutboxDatabase database() {
        return OutboxDatabase.MARIADB;
    }

    @Override
    protected Function<TestDatabase, TestJta> transactionManager() {
        return TestJta.NARAYANA;
    }

    @Test
    void hibernateRanOnMariaDbAndNarayana() {
        var services = emf.unwrap(SessionFactoryImplementor.class).getServiceRegistry();
        assertThat(services.getService(JdbcEnvironment.class).getDialect()).isInstanceOf(MariaDBDialect.class);
        assertThat(harness.jta.transactionManager()).isInstanceOf(TransactionManagerImple.class);
    }
}
