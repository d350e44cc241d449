package dev.postbox.relay;

import dev.postbox.testkit.TestDatabase;

/** {@link KafkaRelaySuite} on PostgreSQL: routing, order and restart. */
class KafkaRelayTest extends KafkaRelaySuite {

    @Override
    TestDatabase database(String prefix) {
        return RelayTestSupport.database(prefix);
    }
}
