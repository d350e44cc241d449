package dev.postbox.fault;

import dev.postbox.fault.support.Await;
import dev.postbox.fault.support.FaultDatabase;
import dev.postbox.testkit.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL is stopped and started again (same data directory and port, fast shutdown: every backend is ended,
 * the walsender included) under a running relay and a running inbox scheduler, while the producer keeps trying to
 * commit. The consumer only records messages ({@code Inbox.receive}); the inbox scheduler runs the handler, so its
 * claims, leases and retries go through the restarts too.
 */
class PostgresRestartTest {

    private static final String SCENARIO = "PostgreSQL restarted";

    /** For each fast shutdown that outlasted pg_ctl's 5 s: the server processes still running then. */
    private final List<String> slowShutdowns = new ArrayList<>();

    /**
     * Restarts the server. A fast shutdown waits for walsenders to have their WAL confirmed by the client; with the
     * relay behind, that can outlast the 5 s the test kit's pg_ctl waits, and starting again then fails. In that
     * case: note which processes held the shutdown up, wait until the old server is gone, start again.
     */
    private void restart(PostgresServer server) {
        long postmaster = postmasterPid(server);
        try {
            server.restart();
            return;
        } catch (UncheckedIOException e) {
            slowShutdowns.add(ProcessHandle.of(postmaster).map(p -> p.children()
                    .map(c -> c.info().commandLine().orElse("?")).toList().toString()).orElse("[exited]"));
        }
        Await.until("the old PostgreSQL to finish shutting down",
                () -> ProcessHandle.of(postmaster).map(p -> !p.isAlive()).orElse(true));
        server.restart();
    }

    private static long postmasterPid(PostgresServer server) {
        try {
            return Long.parseLong(Files.readAllLines(server.dataDirectory().resolve("postmaster.pid")).get(0).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void restartsUnderARunningRelayAndInboxSchedulerLoseNothingAndApplyNothingTwice(@TempDir Path dir) {
        try (PostgresServer server = PostgresServer.start(dir.resolve("pgdata"), 0)) {
            DatabaseRestartScenario.run(SCENARIO, FaultDatabase.create(server, "pg_restart"), "slot active",
                    () -> restart(server), () -> " (" + slowShutdowns.size() + " fast shutdowns took longer than"
                            + " pg_ctl's 5 s" + (slowShutdowns.isEmpty() ? "" : ", held up by " + slowShutdowns)
                            + ")");
        }
    }
}
