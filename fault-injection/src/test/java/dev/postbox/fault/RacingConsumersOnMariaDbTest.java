package dev.postbox.fault;

import dev.postbox.fault.support.FaultDatabase;

/** {@link RacingConsumersScenario} on MariaDB 10.11 (the inbox's MariaDB dialect: key lock rows, SKIP LOCKED). */
class RacingConsumersOnMariaDbTest extends RacingConsumersScenario {

    @Override
    FaultDatabase database(String prefix) {
        return FaultDatabase.createMariaDb(prefix);
    }
}
