package dev.postbox.relay;

import dev.postbox.testkit.TestDatabase;

/** {@link PoisonEventSuite} on MariaDB 10.11 (binlog): parking and replay. */
class MariaDbPoisonEventTest extends PoisonEventSuite {

    @Override
    TestDatabase database(String prefix) {
        return RelayTestSupport.mariaDatabase(prefix);
    }
}
