package dev.postbox.common.internal.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.common.internal.config.ConfigSource;
import dev.postbox.common.internal.config.ReadmeTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DialectsTest {

    @Test
    void theProductNameOfTheJdbcMetadataChoosesTheDialect() {
        assertThat(Dialects.forProduct("PostgreSQL", "ds").key()).isEqualTo("postgresql");
        assertThat(Dialects.forProduct("MariaDB", "ds").key()).isEqualTo("mariadb");
    }

    @Test
    void anUnknownProductFailsNamingTheProductTheDataSourceAndTheKey() {
        assertThatThrownBy(() -> Dialects.forProduct("Oracle", "java:app/jdbc/orders"))
                .isInstanceOf(PostboxConfigurationException.class)
                .hasMessageContaining("postbox.dialect")
                .hasMessageContaining("'Oracle'")
                .hasMessageContaining("java:app/jdbc/orders")
                .hasMessageContaining("supported: PostgreSQL and MariaDB");
    }

    @Test
    void postboxDialectForcesOneOrLeavesItToTheMetadata() {
        assertThat(Dialects.forced(ConfigSource.of("test", Map.of()))).isEmpty();
        assertThat(Dialects.forced(ConfigSource.of("test", Map.of("postbox.dialect", "auto")))).isEmpty();
        assertThat(Dialects.forced(ConfigSource.of("test", Map.of("postbox.dialect", "mariadb"))))
                .contains(Dialects.mariadb());
        assertThat(Dialects.forced(ConfigSource.of("test", Map.of("postbox.dialect", "postgresql"))))
                .contains(Dialects.postgresql());
        assertThatThrownBy(() -> Dialects.forced(ConfigSource.of("test", Map.of("postbox.dialect", "oracle"))))
                .isInstanceOf(PostboxConfigurationException.class)
                .hasMessageContaining("postbox.dialect='oracle'")
                .hasMessageContaining("mariadb");
    }

    @Test
    void postgresqlKeepsItsStatements() {
        assertThat(Dialects.postgresql().outboxInsert("outbox_event")).isEqualTo("INSERT INTO outbox_event (id, "
                + "aggregatetype, aggregateid, type, payload, \"timestamp\", headers, tracingspancontext) VALUES (?, ?, "
                + "?, ?, ?::jsonb, ?, ?::jsonb, ?)");
        assertThat(Dialects.mariadb().outboxInsert("outbox_event")).contains("`timestamp`").doesNotContain("::");
    }

    @Test
    void theReadmeDocumentsTheKey() throws Exception {
        assertThat(ReadmeTable.differences(Dialects.KEYS, Files.readString(Path.of("README.md")), true)).isEmpty();
    }
}
