package dev.postbox.fault;

import dev.postbox.fault.support.FaultDatabase;
import dev.postbox.testkit.MariaDbServer;
import org.junit.jupiter.api.Test;

/**
 * {@link PostgresRestartTest} on MariaDB 10.11: the scenario's own server is restarted ({@link MariaDbServer#restart()}:
 * a normal shutdown ends every session, the relay's binlog reader and its leader-lock session included) under a
 * running relay, a running inbox scheduler (the consumer only {@code receive}s) and a producer that keeps trying.
 */
class DatabaseRestartOnMariaDbTest {

    @Test
    void restartsUnderARunningRelayAndInboxSchedulerLoseNothingAndApplyNothingTwice() {
        try (MariaDbServer server = MariaDbServer.startTemporary()) {
            DatabaseRestartScenario.run("MariaDB restarted", FaultDatabase.createMariaDb(server, "mdb_restart"),
                    "binlog reader", server::restart, () -> "");
        }
    }
}
