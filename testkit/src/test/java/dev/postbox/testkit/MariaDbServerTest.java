package dev.postbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class MariaDbServerTest {

    @Test
    void sharedServerAcceptsSqlAndWritesARowFormatBinlog() throws Exception {
        MariaDbServer server = MariaDbServer.shared();
        TestDatabase db = server.createDatabase("settings");
        db.execute("create table t (id int primary key, v varchar(10))");
        db.execute("insert into t values (1, 'a'), (2, 'b')");
        assertThat(db.queryLong("select count(*) from t")).isEqualTo(2);

        assertThat(variable(db, "version")).startsWith("10.11.");
        assertThat(variable(db, "log_bin")).isEqualTo("1");
        assertThat(variable(db, "binlog_format")).isEqualTo("ROW");
        assertThat(variable(db, "binlog_row_image")).isEqualTo("FULL");
        assertThat(variable(db, "server_id")).isEqualTo(String.valueOf(MariaDbServer.SERVER_ID));
        assertThat(variable(db, "bind_address")).isEqualTo("127.0.0.1");
        // the insert is in the binlog as a row event: what a CDC reader sees
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            String file;
            try (ResultSet rs = s.executeQuery("show master status")) {
                assertThat(rs.next()).isTrue();
                file = rs.getString("File");
            }
            boolean rowEvent = false;
            try (ResultSet rs = s.executeQuery("show binlog events in '" + file + "'")) {
                while (rs.next()) {
                    rowEvent |= rs.getString("Event_type").startsWith("Write_rows");
                }
            }
            assertThat(rowEvent).as("a Write_rows event in " + file).isTrue();
        }
    }

    @Test
    void theTestUserHasTheGrantsABinlogReaderNeeds() {
        TestDatabase db = MariaDbServer.shared().createDatabase("grants");
        assertThat(db.queryLong("select count(*) from information_schema.user_privileges where grantee = "
                + "\"'postbox'@'%'\" and privilege_type in ('REPLICATION SLAVE', 'BINLOG MONITOR', 'RELOAD')"))
                .isEqualTo(3);
    }

    private static String variable(TestDatabase db, String name) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select @@" + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
