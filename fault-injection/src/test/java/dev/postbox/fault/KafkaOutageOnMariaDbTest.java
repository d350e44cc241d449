package dev.postbox.fault;

import dev.postbox.fault.support.FaultDatabase;

/** {@link KafkaOutageScenario} on MariaDB 10.11 (the relay reads the binary log). */
class KafkaOutageOnMariaDbTest extends KafkaOutageScenario {

    @Override
    FaultDatabase database(String prefix) {
        return FaultDatabase.createMariaDb(prefix);
    }
}
