package dev.postbox.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

/** The console's queries on PostgreSQL. */
class ConsoleQueriesTest extends AbstractConsoleQueriesTest {

    @Override
    TestDatabase createDatabase(String prefix) {
        return PostgresServer.shared().createDatabase(prefix);
    }

    @Override
    void createTables(TestDatabase database, boolean all) {
        ConsoleDatabases.postgresql(database, all
                ? List.of("V1_1__postbox_outbox.sql", "V1_2__postbox_inbox.sql", "V1_3__postbox_relay.sql")
                : List.of("V1_2__postbox_inbox.sql"));
    }

    @Override
    void seed(TestDatabase database) {
        // 250 ledger records one second apart (every tenth DEAD, 20 sharing one instant to test ties), 20 deposits
        database.execute("insert into postbox_inbox (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, last_error, history, created_at) select gen_random_uuid(), 'ledger', 'k' || g, "
                + "repeat('0', 64), case when g % 10 = 0 then 'DEAD' else 'COMPLETED' end, 1, 3, "
                + "case when g % 10 = 0 then 'boom <script>alert(1)</script>' end, "
                + "'[{\"attempt\":1,\"startedAt\":\"2026-12-01T10:00:00Z\",\"endedAt\":\"2026-12-01T10:00:01Z\","
                + "\"outcome\":\"DEAD\",\"error\":\"boom\"}]'::jsonb, "
                + "case when g <= 20 then timestamptz '2026-12-01T10:00:00Z' "
                + "else timestamptz '2026-12-01T10:00:00Z' + g * interval '1 second' end "
                + "from generate_series(1, 250) g",
                "insert into postbox_inbox (id, scope, idempotency_key, fingerprint, status, attempts, max_attempts, "
                + "created_at) select gen_random_uuid(), 'deposits', 'd' || g, repeat('0', 64), 'FAILED', 1, 3, "
                + "timestamptz '2026-12-01T11:00:00Z' + g * interval '1 second' from generate_series(1, 20) g");
    }

    @Override
    String sql(String postgresql) {
        return postgresql;
    }

    @Override
    String databaseName() {
        return "PostgreSQL";
    }

    @Override
    void assertOpenStatusesCanUseAnIndex(TestDatabase own) throws Exception {
        try (Connection c = own.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("set enable_seqscan = off"); // a tiny table: ask whether an index can serve it at all
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = st.executeQuery("explain select scope, status, count(*) from postbox_inbox where "
                    + "status = any('{RECEIVED,IN_PROGRESS,FAILED,DEAD}') group by scope, status")) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            assertThat(plan.toString()).contains("Index").doesNotContain("Seq Scan");
        }
    }

    @Override
    void assertScopePageUsesTheScopeIndex(TestDatabase big) throws Exception {
        big.execute("insert into postbox_inbox (id, scope, idempotency_key, "
                + "fingerprint, status, attempts, max_attempts, created_at) select gen_random_uuid(), 's' || (g % 20), "
                + "'k' || g, repeat('0', 64), 'COMPLETED', 1, 3, now() - g * interval '1 second' "
                + "from generate_series(1, 50000) g");
        try (Connection c = big.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("analyze postbox_inbox");
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = s.executeQuery("explain select id from postbox_inbox where scope = 's7' "
                    + "and (created_at, id) < (now(), gen_random_uuid()) order by created_at desc, id desc limit 101")) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            assertThat(plan.toString()).contains("postbox_inbox_scope_created_idx");
        }
    }
}
