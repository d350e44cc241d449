package dev.postbox.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlIdentifiersTest {

    @ParameterizedTest
    @ValueSource(strings = {"outbox_event", "_x", "t1", "a23456789012345678901234567890123456789012345678901234567890123"})
    void plainIdentifiersAreAccepted(String name) {
        assertThat(SqlIdentifiers.require("postbox.outbox.table", name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Outbox", "1outbox", "outbox event", "outbox;drop table users", "outbox\"", "o--x",
            "a234567890123456789012345678901234567890123456789012345678901234", "public.outbox"})
    void anythingElseIsRejectedNamingTheKey(String name) {
        assertThatThrownBy(() -> SqlIdentifiers.require("postbox.outbox.table", name))
                .isInstanceOf(PostboxConfigurationException.class)
                .hasMessageStartingWith("Invalid Postbox configuration postbox.outbox.table=")
                .satisfies(e -> assertThat(((PostboxConfigurationException) e).key()).isEqualTo("postbox.outbox.table"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"public.outbox_event", "outbox_event", "audit.events"})
    void qualifiedNamesAreAccepted(String name) {
        assertThat(SqlIdentifiers.requireQualified("k", name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"public.", ".outbox", "a.b.c", "public.Outbox", "x;y.z"})
    void malformedQualifiedNamesAreRejected(String name) {
        assertThatThrownBy(() -> SqlIdentifiers.requireQualified("k", name))
                .isInstanceOf(PostboxConfigurationException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pg_class", "pg_catalog.outbox_event", "information_schema.tables", "public.pg_authid",
            "pg_toast.outbox"})
    void systemCatalogNamesAreRejected(String name) {
        assertThatThrownBy(() -> SqlIdentifiers.requireQualified("postbox.outbox.table", name))
                .isInstanceOf(PostboxConfigurationException.class)
                .hasMessageContaining("system catalogs");
    }

    @org.junit.jupiter.api.Test
    void unqualifiedSystemNamesAreRejectedToo() {
        assertThatThrownBy(() -> SqlIdentifiers.require("postbox.relay.offset-table", "pg_stat_activity"))
                .isInstanceOf(PostboxConfigurationException.class)
                .hasMessageContaining("system catalogs");
    }

    @org.junit.jupiter.api.Test
    void controlCharactersNeverReachTheMessage() {
        assertThatThrownBy(() -> SqlIdentifiers.require("k", "bad\nname"))
                .hasMessageContaining("'bad?name'");
    }
}
