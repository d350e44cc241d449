package dev.postbox.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.outbox.support.OutboxDatabase;
import dev.postbox.outbox.support.TestJta;
import dev.postbox.testkit.TestDatabase;
import dev.postbox.testkit.jta.LocalJta;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** {@link AbstractOutboxTransactionTest} on MariaDB 10.11 (binlog in ROW format), on the test kit's small JTA. */
class OutboxTransactionOnMariaDbTest extends AbstractOutboxTransactionTest {

    @Override
    protected OutboxDatabase database() {
        return OutboxDatabase.MARIADB;
    }

    @Override
    protected Function<TestDatabase, TestJta> transactionManager() {
        return TestJta.LOCAL_JTA;
    }

    @Test
    void theseTestsRanOnMariaDbWithTheDialectDetectedFromTheMetadata() throws Exception {
        assertThat(harness.jta.transactionManager()).isInstanceOf(LocalJta.class);
        assertThat(harness.db.queryLong("select count(*) from information_schema.columns where table_schema = "
                + "database() and table_name = 'outbox_event' and column_name = 'id' and column_type = 'char(36)'"))
                .isOne();
        try (var c = harness.db.dataSource().getConnection()) {
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("MariaDB");
        }
        // no postbox.dialect was set: the outbox wrote through the dialect of the metadata's product name
        harness.inTransaction(() -> harness.outbox().publish("Order", "m-1", "OrderPlaced", null));
        assertThat(harness.db.queryLong("select count(*) from outbox_event where aggregateid = 'm-1'")).isOne();
        assertThat(System.getProperty("postbox.dialect")).isNull();
    }
}
