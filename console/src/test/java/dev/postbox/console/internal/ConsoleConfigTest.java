package dev.postbox.console.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.common.internal.config.ConfigSource;
import dev.postbox.common.internal.config.ReadmeTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleConfigTest {

    private static ConsoleConfig config(Map<String, String> values) {
        return ConsoleConfig.from(ConfigSource.of("MicroProfile Config", values));
    }

    @Test
    void defaultsAndTheTablesOfTheModulesThatWriteThem() {
        ConsoleConfig c = config(Map.of());
        assertThat(c.enabled()).isTrue();
        assertThat(c.path()).isEqualTo("/postbox");
        assertThat(c.role()).isEqualTo("postbox-admin");
        assertThat(c.datasource()).isEqualTo("java:comp/DefaultDataSource");
        assertThat(c.datasourceKey()).isEqualTo("postbox.inbox.datasource");
        assertThat(c.consumerScopes()).isEmpty();
        assertThat(c.refreshInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.inboxTable()).isEqualTo("postbox_inbox");
        assertThat(c.outboxTable()).isEqualTo("outbox_event");
        assertThat(c.parkedTable()).isEqualTo("postbox_relay_parked");

        ConsoleConfig set = config(Map.of("postbox.console.path", "/ops/postbox", "postbox.console.role", "ops",
                "postbox.inbox.datasource", "java:app/jdbc/app", "postbox.inbox.table", "app.inbox",
                "postbox.outbox.table", "events", "postbox.relay.parked-table", "dead_letters",
                "postbox.console.consumer-scopes", "ledger, compliance", "postbox.console.enabled", "false"));
        assertThat(set.enabled()).isFalse();
        assertThat(set.path()).isEqualTo("/ops/postbox");
        assertThat(set.role()).isEqualTo("ops");
        assertThat(set.datasource()).as("the inbox's data source when the console names none")
                .isEqualTo("java:app/jdbc/app");
        assertThat(set.inboxTable()).isEqualTo("app.inbox");
        assertThat(set.outboxTable()).isEqualTo("events");
        assertThat(set.parkedTable()).isEqualTo("dead_letters");
        assertThat(set.consumerScopes()).isEqualTo(List.of("ledger", "compliance"));
        ConsoleConfig own = config(Map.of("postbox.console.datasource", "java:app/jdbc/console",
                "postbox.inbox.datasource", "java:app/jdbc/app"));
        assertThat(own.datasource()).isEqualTo("java:app/jdbc/console");
        assertThat(own.datasourceKey()).isEqualTo("postbox.console.datasource");
    }

    @Test
    void aWrongOrUnknownKeyFailsNamingIt() {
        assertThatThrownBy(() -> config(Map.of("postbox.console.path", "postbox/")))
                .isInstanceOf(PostboxConfigurationException.class).hasMessageContaining("postbox.console.path")
                .hasMessageContaining("starts with /");
        assertThatThrownBy(() -> config(Map.of("postbox.console.path", "/")))
                .isInstanceOf(PostboxConfigurationException.class);
        assertThatThrownBy(() -> config(Map.of("postbox.console.enabeld", "false")))
                .isInstanceOf(PostboxConfigurationException.class)
                .hasMessageContaining("did you mean postbox.console.enabled");
        assertThatThrownBy(() -> config(Map.of("postbox.inbox.table", "drop table x")))
                .isInstanceOf(PostboxConfigurationException.class).hasMessageContaining("postbox.inbox.table");
    }

    @Test
    void readmeTablesMatchTheKeys() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(ReadmeTable.differences(ConsoleConfig.KEYS, readme, true)).isEmpty();
        assertThat(ReadmeTable.differences(ConsoleConfig.KEYS, Files.readString(Path.of("../README.md")), false))
                .isEmpty();
        assertThat(Files.readString(Path.of("../README.md"))).contains("`postbox.console.role`");
    }
}
