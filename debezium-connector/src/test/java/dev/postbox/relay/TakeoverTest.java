package dev.postbox.relay;

import dev.postbox.testkit.TestDatabase;

/** {@link TakeoverSuite} on PostgreSQL: leader lock and takeover. */
class TakeoverTest extends TakeoverSuite {

    @Override
    TestDatabase database(String prefix) {
        return RelayTestSupport.database(prefix);
    }
}
