package dev.postbox.relay;

import dev.postbox.testkit.TestDatabase;

/** {@link KafkaRelaySuite} on MariaDB 10.11 (binlog): routing, order and restart. */
class MariaDbKafkaRelayTest extends KafkaRelaySuite {

    @Override
    TestDatabase database(String prefix) {
        return RelayTestSupport.mariaDatabase(prefix);
    }
}
