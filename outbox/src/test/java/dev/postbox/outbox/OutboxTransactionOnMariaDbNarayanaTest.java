package dev.postbox.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.arjuna.ats.internal.jta.transaction.arjunacore.TransactionManagerImple;
import dev.postbox.outbox.support.OutboxDatabase;
import dev.postbox.outbox.support.TestJta;
import dev.postbox.testkit.TestDatabase;
import java.sql.Connection;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link AbstractOutboxTransactionTest} on MariaDB with Narayana, the transaction's connection an enlisted MariaDB
 * XA connection (one resource: Narayana commits it in one phase, {@code XA COMMIT ... ONE PHASE}).
 */
class OutboxTransactionOnMariaDbNarayanaTest extends AbstractOutboxTransactionTest {

    @Override
    protected OutboxDatabase database() {
        return OutboxDatabase.MARIADB;
    }

    @Override
    protected Function<TestDatabase, TestJta> transactionManager() {
        return TestJta.NARAYANA;
    }

    @Test
    void theseTestsRanOnNarayanaWithAMariaDbXaConnectionEnlisted() throws Exception {
        assertThat(harness.jta.transactionManager()).isInstanceOf(TransactionManagerImple.class);
        harness.inTransaction(() -> {
            try (Connection c = harness.jta.dataSource().getConnection()) {
                // unlike PostgreSQL's, MariaDB's XA connection reports auto-commit inside its XA branch; the
                // server says it is in a transaction, which is what the outbox asks on MariaDB
                assertThat(c.getAutoCommit()).isTrue();
                try (var rs = c.createStatement().executeQuery("select @@in_transaction")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isOne();
                }
                c.createStatement().execute("insert into purchase_order (id, status, amount) values ('nm-1', "
                        + "'PLACED', 1)");
            }
            harness.outbox().publish("Order", "nm-1", "OrderPlaced", Map.of());
            // MariaDB sees the XA transaction open until Narayana commits it
            assertThat(harness.db.queryLong("select count(*) from purchase_order")).isZero();
            return null;
        });
        assertThat(harness.db.queryLong("select count(*) from purchase_order where id = 'nm-1'")).isOne();
        assertThat(harness.db.queryLong("select count(*) from outbox_event where aggregateid = 'nm-1'")).isOne();
    }
}
