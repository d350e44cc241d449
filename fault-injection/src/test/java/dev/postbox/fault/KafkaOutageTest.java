package dev.postbox.fault;

import dev.postbox.fault.support.FaultDatabase;

/** {@link KafkaOutageScenario} on PostgreSQL 17. */
class KafkaOutageTest extends KafkaOutageScenario {

    @Override
    FaultDatabase database(String prefix) {
        return FaultDatabase.create(prefix);
    }
}
