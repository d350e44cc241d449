package dev.postbox.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.testkit.MariaDbServer;
import dev.postbox.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console's queries on MariaDB 10.11, with the shipped MariaDB DDL of the inbox (V1_2, V1_7), the outbox (V1_1)
 * and the relay (V1_3).
 */
class ConsoleQueriesOnMariaDbTest extends AbstractConsoleQueriesTest {

    private static final Pattern TIMESTAMPTZ = Pattern.compile("timestamptz '(\\d{4}-\\d\\d-\\d\\d)T([\\d:]+)Z'");

    @Override
    TestDatabase createDatabase(String prefix) {
        return ConsoleDatabases.warm(MariaDbServer.shared().createDatabase(prefix));
    }

    @Override
    void createTables(TestDatabase database, boolean all) {
        ConsoleDatabases.mariadb(database, List.of("V1_2__postbox_inbox.sql", "V1_7__postbox_inbox_created_idx.sql"));
        if (all) {
            ConsoleDatabases.mariadb(database, ConsoleDatabases.OUTBOX_AND_RELAY);
        }
    }

    @Override
    void seed(TestDatabase database) {
        // as on PostgreSQL: 250 ledger records (every tenth DEAD, the first 20 sharing one instant), 20 deposits
        database.execute("insert into postbox_inbox (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, last_error, history, created_at) select uuid(), 'ledger', concat('k', seq), "
                + "repeat('0', 64), case when seq % 10 = 0 then 'DEAD' else 'COMPLETED' end, 1, 3, "
                + "case when seq % 10 = 0 then 'boom <script>alert(1)</script>' end, "
                + "'[{\"attempt\":1,\"startedAt\":\"2026-12-01T10:00:00Z\",\"endedAt\":\"2026-12-01T10:00:01Z\","
                + "\"outcome\":\"DEAD\",\"error\":\"boom\"}]', "
                + "case when seq <= 20 then timestamp '2026-12-01 10:00:00' "
                + "else timestamp '2026-12-01 10:00:00' + interval seq second end "
                + "from seq_1_to_250",
                "insert into postbox_inbox (id, scope, idempotency_key, fingerprint, status, attempts, max_attempts, "
                + "created_at) select uuid(), 'deposits', concat('d', seq), repeat('0', 64), 'FAILED', 1, 3, "
                + "timestamp '2026-12-01 11:00:00' + interval seq second from seq_1_to_20");
    }

    @Override
    String sql(String postgresql) {
        String s = postgresql.replace("gen_random_uuid()", "uuid()").replace("now()", "utc_timestamp(6)")
                .replace("\"timestamp\"", "`timestamp`");
        Matcher m = TIMESTAMPTZ.matcher(s);
        return m.replaceAll("timestamp '$1 $2'");
    }

    @Override
    String databaseName() {
        return "MariaDB";
    }

    @Override
    void assertOpenStatusesCanUseAnIndex(TestDatabase own) throws Exception {
        // a tiny table: MariaDB may still read it whole, so ask whether an index on status can serve it at all
        try (Connection c = own.dataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("explain select scope, status, count(*) from postbox_inbox where "
                        + "status in ('RECEIVED', 'IN_PROGRESS', 'FAILED', 'DEAD') group by scope, status")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("possible_keys")).contains("postbox_inbox_status_created_idx");
        }
    }

    @Override
    void assertScopePageUsesTheScopeIndex(TestDatabase big) throws Exception {
        big.execute("insert into postbox_inbox (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, created_at) select uuid(), concat('s', seq % 20), concat('k', seq), repeat('0', 64), "
                + "'COMPLETED', 1, 3, utc_timestamp(6) - interval seq second from seq_1_to_50000");
        try (Connection c = big.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("analyze table postbox_inbox");
            try (ResultSet rs = s.executeQuery("explain select id from postbox_inbox where scope = 's7' "
                    + "and (created_at, id) < (utc_timestamp(6), uuid()) order by created_at desc, id desc "
                    + "limit 101")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("key")).isEqualTo("postbox_inbox_scope_created_idx");
            }
        }
    }
}
