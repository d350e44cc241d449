package dev.postbox.console.internal;

import dev.postbox.testkit.MariaDbServer;
import dev.postbox.testkit.TestDatabase;

/** The console's charts on MariaDB 10.11: the same figures; the relay's lag is binlog lag (no replication slot). */
class ConsoleChartsOnMariaDbTest extends AbstractConsoleChartsTest {

    @Override
    TestDatabase createDatabase(String prefix) {
        TestDatabase db = ConsoleDatabases.warm(MariaDbServer.shared().createDatabase(prefix));
        ConsoleDatabases.mariadb(db, ConsoleDatabases.INBOX);
        ConsoleDatabases.mariadb(db, ConsoleDatabases.OUTBOX_AND_RELAY);
        return db;
    }

    @Override
    String lagCaption() {
        return "Binlog lag (bytes)";
    }
}
