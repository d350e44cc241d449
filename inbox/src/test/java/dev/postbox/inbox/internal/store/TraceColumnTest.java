package dev.postbox.inbox.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.common.internal.dialect.Dialect;
import dev.postbox.common.internal.dialect.Dialects;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The warning for a missing traceparent column names the V1_6 script of the dialect in use. */
class TraceColumnTest {

    @Test
    void theWarningNamesTheScriptOfTheDialectInUse() throws Exception {
        assertThat(warning(Dialects.postgresql())).contains("apply db/postbox/V1_6__postbox_inbox_traceparent.sql ");
        assertThat(warning(Dialects.mariadb()))
                .contains("apply db/mariadb/postbox/V1_6__postbox_inbox_traceparent.sql ");
        for (Dialect d : List.of(Dialects.postgresql(), Dialects.mariadb())) {
            assertThat(TraceColumnTest.class.getClassLoader().getResource(TraceColumn.migration(d)))
                    .as("%s's script on the class path", d.displayName()).isNotNull();
        }
    }

    /** The warning of a table without the column, on a stand-in connection whose metadata lists no column. */
    private static String warning(Dialect dialect) throws Exception {
        List<String> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        ClassLoader loader = TraceColumnTest.class.getClassLoader();
        // the inbox and lock tables exist (the dialect's check, MariaDB 10.11), the traceparent column does not
        DatabaseMetaData meta = (DatabaseMetaData) Proxy.newProxyInstance(loader,
                new Class<?>[] {DatabaseMetaData.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getColumns" -> rows(false);
                    case "getTables" -> rows(true);
                    case "getDatabaseMajorVersion" -> 10;
                    case "getDatabaseMinorVersion" -> 11;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        Connection connection = (Connection) Proxy.newProxyInstance(loader, new Class<?>[] {Connection.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getMetaData" -> meta;
                    case "getCatalog" -> "app";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        InboxDialect inboxDialect = new InboxDialect(Optional.of(dialect), "postbox_inbox");
        Logger log = Logger.getLogger(TraceColumn.class.getName());
        log.addHandler(capture);
        try {
            assertThat(new TraceColumn("postbox_inbox", inboxDialect).present(connection)).isFalse();
        } finally {
            log.removeHandler(capture);
        }
        assertThat(lines).hasSize(1);
        return lines.get(0);
    }

    /** A metadata answer with one row or none. */
    private static ResultSet rows(boolean one) {
        return (ResultSet) Proxy.newProxyInstance(TraceColumnTest.class.getClassLoader(),
                new Class<?>[] {ResultSet.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "next" -> one;
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
