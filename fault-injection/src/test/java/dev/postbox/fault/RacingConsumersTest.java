package dev.postbox.fault;

import dev.postbox.fault.support.FaultDatabase;

/** {@link RacingConsumersScenario} on PostgreSQL 17. */
class RacingConsumersTest extends RacingConsumersScenario {

    @Override
    FaultDatabase database(String prefix) {
        return FaultDatabase.create(prefix);
    }
}
