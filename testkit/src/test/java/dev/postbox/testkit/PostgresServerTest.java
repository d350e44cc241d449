package dev.postbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresServerTest {

    @Test
    void sharedServerHasLogicalDecodingAndSynchronousCommit() {
        PostgresServer.Database db = PostgresServer.shared().createDatabase("settings");
        db.execute("create table t (id int primary key)");
        db.execute("insert into t values (1), (2)");
        assertThat(db.queryLong("select count(*) from t")).isEqualTo(2);
        assertThat(db.queryLong("select case when current_setting('wal_level') = 'logical' then 1 else 0 end"))
                .isEqualTo(1);
        assertThat(db.queryLong("select case when current_setting('synchronous_commit') = 'on' then 1 else 0 end"))
                .isEqualTo(1);
        // pgoutput is built in: a slot can be created and dropped
        db.execute("select pg_create_logical_replication_slot('probe_slot', 'pgoutput')",
                "select pg_drop_replication_slot('probe_slot')");
    }

    @Test
    void restartKeepsDataAndPort(@TempDir Path dir) {
        Path data = dir.resolve("pgdata");
        PostgresServer server = PostgresServer.start(data, 0);
        try {
            PostgresServer.Database db = server.createDatabase("restart");
            db.execute("create table kept (v text)", "insert into kept values ('before')");
            int port = server.port();
            server.restart();
            assertThat(server.port()).isEqualTo(port);
            assertThat(db.queryLong("select count(*) from kept")).isEqualTo(1);
        } finally {
            server.close();
        }
        assertThat(Files.exists(data.resolve("PG_VERSION"))).isTrue();
    }
}
