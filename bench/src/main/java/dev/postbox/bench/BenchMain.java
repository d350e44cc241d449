package dev.postbox.bench;

import dev.postbox.testkit.KafkaBroker;
import dev.postbox.testkit.PostgresServer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
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
        boolean quick = Boolean.getBoolean("bench.quick");
        int threads = Integer.getInteger("bench.threads", 4);
        int rounds = Integer.getInteger("bench.rounds", 5);
        long roundMillis = Long.getLong("bench.roundMillis", 3000);
        int relayEvents = Integer.getInteger("bench.relay.events", 20_000);
        long sustainedSeconds = Long.getLong("bench.sustainedSeconds", 60);
        if (quick) {
            rounds = Math.min(rounds, 3);
            roundMillis = Math.min(roundMillis, 1000);
            relayEvents = Math.min(relayEvents, 5_000);
            sustainedSeconds = Math.min(sustainedSeconds, 10);
            System.out.println("quick mode: fewer, shorter rounds and smaller bursts; figures are rougher");
        }
        printMachine(threads, rounds, roundMillis);

        AbRun ab = new AbRun(threads, rounds, roundMillis);
        Report report = new Report();
        try (PostgresServer server = PostgresServer.startTemporary()) {
            if (selected.contains("all") || selected.contains("outbox")) {
                System.out.println("outbox write overhead ...");
                try (OutboxWriteBench bench = new OutboxWriteBench(server)) {
                    bench.run(report, ab);
                }
            }
            if (selected.contains("all") || selected.contains("inbox")) {
                System.out.println("inbox costs ...");
                new InboxBench(server).run(report, ab);
            }
            if (selected.contains("all") || selected.contains("relay")) {
                System.out.println("relay throughput, latency, heap ...");
                try (KafkaBroker kafka = KafkaBroker.start()) {
                    new RelayBench(server, kafka, quick).run(report, relayEvents,
                            Integer.getInteger("bench.relay.aggregates", 200), rounds,
                            Duration.ofSeconds(sustainedSeconds));
                }
            }
        }
        report.print();
        System.exit(0); // Debezium and Kafka leave non-daemon threads behind
    }

    private static void printMachine(int threads, int rounds, long roundMillis) {
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "machine: %d cores, %s %s, Java %s (%s), max heap %d MiB%n",
                rt.availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"), ManagementFactory.getRuntimeMXBean().getVmName(),
                rt.maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "method: %d client threads, %d rotating rounds (A B C, B C A, ...) of %d ms after "
                + "one warm-up round each; embedded PostgreSQL 17 (synchronous_commit=on) on loopback%n",
                threads, rounds, roundMillis);
    }
}
