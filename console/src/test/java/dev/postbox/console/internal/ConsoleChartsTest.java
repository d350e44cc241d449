package dev.postbox.console.internal;

import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.TestDatabase;

/** The console's charts on PostgreSQL. */
class ConsoleChartsTest extends AbstractConsoleChartsTest {

    @Override
    TestDatabase createDatabase(String prefix) {
        TestDatabase db = PostgresServer.shared().createDatabase(prefix);
        ConsoleDatabases.postgresql(db, java.util.List.of("V1_1__postbox_outbox.sql", "V1_2__postbox_inbox.sql",
                "V1_3__postbox_relay.sql", "V1_4__postbox_inbox_steps.sql", "V1_5__postbox_inbox_breaker.sql",
                "V1_6__postbox_inbox_traceparent.sql", "V1_7__postbox_inbox_created_idx.sql"));
        return db;
    }

    @Override
    String lagCaption() {
        return "Slot lag (bytes)";
    }
}
