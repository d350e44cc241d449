package dev.postbox.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.arjuna.ats.internal.jta.transaction.arjunacore.TransactionImple;
import com.arjuna.ats.internal.jta.transaction.arjunacore.TransactionManagerImple;
import com.arjuna.ats.internal.jta.transaction.arjunacore.TransactionSynchronizationRegistryImple;
import dev.postbox.outbox.internal.cdi.OutboxEnvironment;
import dev.postbox.outbox.support.OutboxDatabase;
import dev.postbox.outbox.support.TestJta;
import dev.postbox.testkit.TestDatabase;
import java.sql.Connection;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link AbstractOutboxTransactionTest} on Narayana, a complete JTA transaction manager (WildFly's), with the
 * transaction's connection an enlisted PostgreSQL XA connection.
 */
class OutboxTransactionOnNarayanaTest extends AbstractOutboxTransactionTest {

    @Override
    protected OutboxDatabase database() {
        return OutboxDatabase.POSTGRESQL;
    }

    @Override
    protected Function<TestDatabase, TestJta> transactionManager() {
        return TestJta.NARAYANA;
    }

    @Test
    void theseTestsRanOnNarayanaWithTheConnectionEnlisted() throws Exception {
        assertThat(harness.jta.transactionManager()).isInstanceOf(TransactionManagerImple.class);
        // the outbox bean itself was given Narayana's registry
        assertThat(harness.weld.select(OutboxEnvironment.class).get().transactionSynchronizationRegistry())
                .isInstanceOf(TransactionSynchronizationRegistryImple.class);

        harness.inTransaction(() -> {
            assertThat(harness.jta.getTransaction()).isInstanceOf(TransactionImple.class);
            try (Connection c = harness.jta.dataSource().getConnection()) {
                // in the XA transaction Narayana started on the connection: not auto-commit, and PostgreSQL
                // sees one open transaction that only Narayana's commit ends
                assertThat(c.getAutoCommit()).isFalse();
                c.createStatement().execute("insert into purchase_order (id, status, amount) values ('n-1', "
                        + "'PLACED', 1)");
            }
            harness.outbox().publish("Order", "n-1", "OrderPlaced", Map.of());
            assertThat(harness.db.queryLong("select count(*) from purchase_order")).isZero();
            return null;
        });
        assertThat(harness.db.queryLong("select count(*) from purchase_order where id = 'n-1'")).isOne();
        assertThat(harness.db.queryLong("select count(*) from outbox_event where aggregateid = 'n-1'")).isOne();
    }
}
