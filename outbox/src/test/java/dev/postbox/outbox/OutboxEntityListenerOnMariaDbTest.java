package dev.postbox.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.outbox.support.OutboxDatabase;
import dev.postbox.outbox.support.TestJta;
import dev.postbox.testkit.TestDatabase;
import dev.postbox.testkit.jta.LocalJtaPlatform;
import java.util.function.Function;
import org.hibernate.dialect.MariaDBDialect;
import org.hibernate.engine.jdbc.env.spi.JdbcEnvironment;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.transaction.jta.platform.spi.JtaPlatform;
import org.junit.jupiter.api.Test;

/** {@link AbstractOutboxEntityListenerTest} on MariaDB 10.11, Hibernate on the test kit's small JTA. */
class OutboxEntityListenerOnMariaDbTest extends AbstractOutboxEntityListenerTest {

    @Override
    protected OutboxDatabase database() {
        return OutboxDatabase.MARIADB;
    }

    @Override
    protected Function<TestDatabase, TestJta> transactionManager() {
        return TestJta.LOCAL_JTA;
    }

    @Test
    void hibernateRanOnMariaDbAndLocalJta() {
        var services = emf.unwrap(SessionFactoryImplementor.class).getServiceRegistry();
        assertThat(services.getService(JtaPlatform.class)).isInstanceOf(LocalJtaPlatform.class);
        assertThat(services.getService(JdbcEnvironment.class).getDialect()).isInstanceOf(MariaDBDialect.class);
    }
}
