package dev.postbox.fault;

import dev.postbox.fault.support.FaultDatabase;

/** {@link PoisonEventScenario} on MariaDB 10.11 (the relay reads the binary log). */
class PoisonEventOnMariaDbTest extends PoisonEventScenario {

    @Override
    FaultDatabase database(String prefix) {
        return FaultDatabase.createMariaDb(prefix);
    }
}
