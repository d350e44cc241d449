package dev.postbox.relay;

import dev.postbox.testkit.TestDatabase;

/** {@link OffsetAfterAckSuite} on MariaDB 10.11 (binlog): offsets after acknowledgement. */
class MariaDbOffsetAfterAckTest extends OffsetAfterAckSuite {

    @Override
    TestDatabase database(String prefix) {
        return RelayTestSupport.mariaDatabase(prefix);
    }
}
