package dev.postbox.bench;

import dev.postbox.testkit.PostgresServer;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;

/**
 * What one operation costs the database, from {@code pg_stat_database} around a short single-threaded run: commits,
 * rollbacks and new sessions (physical connections) per operation. Explains a ratio where timing alone cannot.
 */
final class DbCounters {

    record PerOperation(double commits, double rollbacks, double sessions, double clientCpuMicros) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.2f commits, %.2f rollbacks, %.2f new connections, %.0f us client "
                    + "CPU per operation", commits, rollbacks, sessions, clientCpuMicros);
        }
    }

    private DbCounters() {
    }

    /**
     * Waits until the statistics of earlier idle connections (the rounds' client threads) have been flushed:
     * an idle backend flushes pending statistics only after 10 s, which would count them as this run's.
     */
    static void settle() throws InterruptedException {
        Thread.sleep(11_000);
    }

    static PerOperation measure(PostgresServer.Database db, ThreadConnections pool, int operations,
            AbRun.Operation operation)
            throws Exception {
        long[] before = read(db);
        long started = System.nanoTime();
        long[] cpu = new long[1];
        Thread worker = new Thread(() -> {
            try {
                long cpuStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                for (int i = 0; i < operations; i++) {
                    operation.run(0, i);
                }
                cpu[0] = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart;
                pool.closeCurrent(); // ends the session: its statistics are flushed now, not up to 10 s later
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "bench-counted");
        worker.start();
        worker.join();
        long took = System.nanoTime() - started;
        long[] after = read(db);
        // what runs in the background (the inbox's scheduler, autovacuum) over as long a time, subtracted
        Thread.sleep(took / 1_000_000);
        long[] idle = read(db);
        double[] per = new double[3];
        for (int k = 0; k < 3; k++) {
            long work = after[k] - before[k];
            long background = idle[k] - after[k];
            per[k] = Math.max(0, work - background - (k == 2 ? 1 : 0)) / (double) operations;
        }
        return new PerOperation(per[0], per[1], per[2], cpu[0] / 1000.0 / operations);
    }

    private static long[] read(PostgresServer.Database db) throws Exception {
        Thread.sleep(1500); // backends flush their statistics at most once a second
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("select pg_stat_clear_snapshot()");
            try (ResultSet rs = s.executeQuery("select xact_commit, xact_rollback, sessions from pg_stat_database "
                    + "where datname = current_database()")) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
            }
        }
    }
}
