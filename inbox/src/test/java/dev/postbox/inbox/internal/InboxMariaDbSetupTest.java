package dev.postbox.inbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.common.internal.dialect.Dialects;
import dev.postbox.testkit.TestDatabase;
import dev.postbox.testkit.jta.LocalJta;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What an application gets on MariaDB when the inbox cannot work there: a message naming the cause and the fix. */
class InboxMariaDbSetupTest {

    @Test
    void aMissingInboxTableIsNamedWithTheScriptsToApply() {
        TestDatabase db = InboxDatabase.Product.MARIADB.create("inbox_no_table");
        LocalJta jta = new LocalJta(db.dataSource());
        InboxRuntime runtime = InboxRuntime.builder()
                .dataSource(jta.dataSource())
                .transactions(new JtaTransactions(jta))
                .config(InboxConfig.from(k -> Optional.ofNullable(Map.of(
                        InboxConfig.CLAIM_FIRST_DELIVERIES_AFTER_START.name(), "0s").get(k))))
                .build();
        try {
            runtime.inbox().register("orders", payload -> "ok");
            assertThatThrownBy(() -> runtime.inbox().process("orders", "o-1", "{}", String.class))
                    .hasStackTraceContaining("the Postbox inbox table postbox_inbox does not exist in the MariaDB "
                            + "database " + db.name())
                    .hasStackTraceContaining("apply the scripts under db/mariadb/postbox/");
        } finally {
            runtime.close();
        }
    }

    @Test
    void mariaDbBeforeTenSixIsRefusedNamingTheVersion() {
        DatabaseMetaData meta = (DatabaseMetaData) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class}, (p, m, a) -> switch (m.getName()) {
                    case "getDatabaseMajorVersion" -> 10;
                    case "getDatabaseMinorVersion" -> 5;
                    case "getDatabaseProductVersion" -> "10.5.23-MariaDB";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        Connection connection = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (p, m, a) -> {
                    if (m.getName().equals("getMetaData")) {
                        return meta;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        assertThatThrownBy(() -> Dialects.mariadb().inboxCheck(connection, "postbox_inbox"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs MariaDB 10.6 or later")
                .hasMessageContaining("10.5.23-MariaDB")
                .hasMessageContaining("postbox.inbox.datasource");
        assertThat(Dialects.postgresql().inboxMigrations()).hasSize(5);
    }
}
