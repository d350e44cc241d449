package dev.postbox.relay;

import dev.postbox.testkit.TestDatabase;

/** {@link TakeoverSuite} on MariaDB 10.11 (binlog): leader lock and takeover. */
class MariaDbTakeoverTest extends TakeoverSuite {

    @Override
    TestDatabase database(String prefix) {
        return RelayTestSupport.mariaDatabase(prefix);
    }
}
