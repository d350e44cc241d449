package dev.postbox.relay;

import dev.postbox.testkit.TestDatabase;

/** {@link OffsetAfterAckSuite} on PostgreSQL: offsets after acknowledgement. */
class OffsetAfterAckTest extends OffsetAfterAckSuite {

    @Override
    TestDatabase database(String prefix) {
        return RelayTestSupport.database(prefix);
    }
}
