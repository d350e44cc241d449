package dev.postbox.relay;

import dev.postbox.testkit.TestDatabase;

/** {@link PoisonEventSuite} on PostgreSQL: parking and replay. */
class PoisonEventTest extends PoisonEventSuite {

    @Override
    TestDatabase database(String prefix) {
        return RelayTestSupport.database(prefix);
    }
}
