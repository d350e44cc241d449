package dev.postbox.bench;

import dev.postbox.testkit.PostgresServer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runs the benchmarks and prints every figure next to its baseline from the same run, as a ratio.
 *
 * <pre>mvn -pl bench -am -Pbench -DskipTests verify [-Dbench.args=outbox]</pre>
 *
 * Environment knobs (system properties): {@code bench.threads} (client threads, default 4),
 * {@code bench.rounds} (measured A/B rounds, default 5), {@code bench.roundMillis} (default 3000).
 */
public final class BenchMain {

    public static void main(String[] args) throws Exception {
        Set<String> selected = Set.of(args.length == 0 ? new String[] {"all"} : args[0].split(","));
        int threads = Integer.getInteger("bench.threads", 4);
        int rounds = Integer.getInteger("bench.rounds", 5);
        long roundMillis = Long.getLong("bench.roundMillis", 3000);
        printMachine(threads, rounds, roundMillis);

        AbRun ab = new AbRun(threads, rounds, roundMillis);
        List<AbRun.Result> results = new ArrayList<>();
        try (PostgresServer server = PostgresServer.startTemporary()) {
            if (selected.contains("all") || selected.contains("outbox")) {
                results.addAll(new OutboxWriteBench(server).run(ab));
            }
        }
        print(results);
    }

    private static void printMachine(int threads, int rounds, long roundMillis) {
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "machine: %d cores, %s %s, Java %s (%s), max heap %d MiB%n",
                rt.availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"), ManagementFactory.getRuntimeMXBean().getVmName(),
                rt.maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "method: %d client threads, %d alternating A/B rounds of %d ms after one "
                + "warm-up round each; embedded PostgreSQL 17 (synchronous_commit=on) on loopback%n",
                threads, rounds, roundMillis);
    }

    private static void print(List<AbRun.Result> results) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-40s %12s %12s %9s %10s %10s %9s%n", "benchmark", "base ops/s", "cand ops/s",
                "ratio", "base p99ms", "cand p99ms", "p99 ratio");
        for (AbRun.Result r : results) {
            System.out.printf(Locale.ROOT, "%-40s %12.0f %12.0f %8.2fx %10.2f %10.2f %8.2fx%n", r.name(),
                    r.baseline().opsPerSecond(), r.candidate().opsPerSecond(), r.throughputRatio(),
                    r.baseline().p99Millis(), r.candidate().p99Millis(), r.p99Ratio());
        }
    }
}
