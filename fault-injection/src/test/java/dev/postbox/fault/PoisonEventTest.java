package dev.postbox.fault;

import dev.postbox.fault.support.FaultDatabase;

/** {@link PoisonEventScenario} on PostgreSQL 17. */
class PoisonEventTest extends PoisonEventScenario {

    @Override
    FaultDatabase database(String prefix) {
        return FaultDatabase.create(prefix);
    }
}
