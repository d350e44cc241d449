package dev.postbox.demo.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Function;

/**
 * Everything the launcher can be told, read from system properties ({@code -Ddemo.http-port=9090} on the mvn
 * command line is passed through by the pom). Each key is declared once here with its default.
 *
 * @param server the application server of the payments WAR ({@code demo.server}: payara, wildfly or liberty)
 * @param serverHome the Payara Micro jar, or WildFly's or Open Liberty's unpacked home (the build puts the one of
 *     {@code demo.server} under target/demo; its property is {@link DemoServer#homeProperty()})
 * @param war the payments WAR (the build copies it to target/demo)
 * @param workDir where logs, the database and the server's runtime files go; emptied at start
 * @param httpPort the server's HTTP port on 127.0.0.1; 0 = a free port
 * @param dbPort PostgreSQL's port; 0 = a free port (MariaDB: always a free one)
 * @param seed random seed of the scenario and the ledger's failures; 0 = a new one each run (printed)
 * @param incidents inject one ledger rejection (a dead inbox record) and one misconfigured Kafka topic (a parked
 *     relay event), to show the console's Replay
 * @param exitAfterScenario stop everything after the scenario's summary instead of running until Ctrl-C
 * @param outage how long the ledger API is down in the outage phase after the scenario; zero: no outage phase
 * @param outagePostings deposits made while the ledger is down (each one a ledger posting to defer)
 * @param database the database ({@code demo.db}: postgresql or mariadb; MariaDB with Payara Micro only)
 */
public record DemoSettings(DemoServer server, Path serverHome, Path war, Path workDir, int httpPort,
        int dbPort, long seed,
        boolean incidents, boolean exitAfterScenario, int accounts, int deposits, int depositRetries, int payments,
        int duplicates, int reorderSwaps, String payaraHeap, Duration readyTimeout, Duration settleTimeout,
        Duration outage, int outagePostings, DemoDatabase.Kind database) {

    public static DemoSettings from(Properties p) {
        Function<String, String> get = p::getProperty;
        DemoServer server = DemoServer.of(p.getProperty("demo.server", "payara"));
        DemoDatabase.Kind database = DemoDatabase.Kind.of(p.getProperty("demo.db", "postgresql"));
        if (database == DemoDatabase.Kind.MARIADB && server != DemoServer.PAYARA) {
            throw new IllegalArgumentException("demo.db=mariadb runs on Payara Micro only, not on demo.server="
                    + server.id() + ": leave demo.server out (or -Ddemo.server=payara), or use -Ddemo.db=postgresql"
                    + " with " + server.displayName());
        }
        return new DemoSettings(
                server,
                Path.of(required(get, server.homeProperty())),
                Path.of(required(get, "demo.war")),
                Path.of(p.getProperty("demo.work-dir", "target/demo/run")).toAbsolutePath(),
                Integer.parseInt(p.getProperty("demo.http-port", "8080")),
                Integer.parseInt(p.getProperty("demo.db-port", "0")),
                Long.parseLong(p.getProperty("demo.seed", "0")),
                Boolean.parseBoolean(p.getProperty("demo.incidents", "true")),
                Boolean.parseBoolean(p.getProperty("demo.exit-after-scenario", "false")),
                Integer.parseInt(p.getProperty("demo.accounts", "8")),
                Integer.parseInt(p.getProperty("demo.deposits", "12")),
                Integer.parseInt(p.getProperty("demo.deposit-retries", "4")),
                Integer.parseInt(p.getProperty("demo.payments", "25")),
                Integer.parseInt(p.getProperty("demo.duplicates", "15")),
                Integer.parseInt(p.getProperty("demo.reorder-swaps", "7")),
                p.getProperty("demo.payara-heap", "1g"),
                Duration.ofSeconds(Long.parseLong(p.getProperty("demo.ready-timeout-seconds", "240"))),
                Duration.ofSeconds(Long.parseLong(p.getProperty("demo.settle-timeout-seconds", "120"))),
                Duration.ofSeconds(Long.parseLong(p.getProperty("demo.outage-seconds", "30"))),
                Integer.parseInt(p.getProperty("demo.outage-postings", "150")),
                database);
    }

    public static DemoSettings fromSystemProperties() {
        return from(System.getProperties());
    }

    private static String required(Function<String, String> get, String key) {
        String value = get.apply(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("system property " + key + " is not set: start the demo with"
                    + " mvn -B -Pdemo -pl demo/launcher -am verify -DskipTests (the build sets it)");
        }
        return value;
    }
}
