package dev.postbox.demo.launcher;

import dev.postbox.common.StandardWebhooks;
import dev.postbox.testkit.KafkaBroker;
import dev.postbox.testkit.TestDatabase;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;

/**
 * The running demo: the embedded database ({@link DemoDatabase}: PostgreSQL by default, or MariaDB) and Kafka
 * (testkit) and the simulated ledger in this JVM, the application server ({@link DemoServer}: Payara Micro by
 * default) with the payments WAR as a child process. {@link #start} returns when the service answers and its relay
 * is streaming; {@link #close} stops everything in reverse order.
 */
public final class Demo implements AutoCloseable {

    static final String ACCOUNT_TOPIC = "outbox.event.Account";
    static final String COMPLIANCE_TOPIC = "outbox.event.ComplianceReport";
    /** A topic limit below any real event: the relay's send fails with RecordTooLarge and the event is parked. */
    static final String TINY_MESSAGE_BYTES = "64";
    /** The console's one user (see the WAR's ConsoleUsers). */
    static final String CONSOLE_USER = "operator";

    private final DemoSettings settings;
    private final PrintStream out;
    private final long seed;
    private final long startedAt = System.nanoTime();
    private DemoDatabase database;
    private TestDatabase db;
    private KafkaBroker kafka;
    private LedgerSimulator ledger;
    private ServerProcess server;
    private ServiceClient service;
    private ServiceClient console;
    private String webhookSecret;
    /** The console operator's password: generated for this run only, handed to the WAR, printed once at start. */
    private final String consolePassword = newConsolePassword();
    private int httpPort;
    private final Map<String, Long> startupMillis = new LinkedHashMap<>();

    private Demo(DemoSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.seed = settings.seed() != 0 ? settings.seed() : System.currentTimeMillis();
    }

    /** Starts everything; on failure, stops what was started and rethrows. */
    public static Demo start(DemoSettings settings, PrintStream out) throws Exception {
        Demo demo = new Demo(settings, out);
        try {
            demo.startAll();
            return demo;
        } catch (Exception | Error e) {
            demo.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        httpPort = settings.httpPort() == 0 ? freePort() : requireFreePort(settings.httpPort());
        Path work = settings.workDir();
        deleteRecursively(work);
        Files.createDirectories(work);
        out.println("[demo] Starting the Postbox payments demo on " + settings.server().displayName() + " (seed " + seed
                + ", work directory " + work + ")");

        // the database and Kafka start side by side: a few seconds less before the server can start
        long t = System.nanoTime();
        String dbName = settings.database().displayName();
        CompletableFuture<KafkaBroker> kafkaStart = CompletableFuture.supplyAsync(KafkaBroker::start);
        try {
            database = DemoDatabase.start(settings.database(), work, settings.dbPort());
            db = database.database();
            startupMillis.put(dbName, millisSince(t));
        } finally {
            kafka = kafkaStart.join();
        }
        createTopics();
        startupMillis.put("Kafka", millisSince(t));
        out.println("[demo] " + database.description() + " in " + seconds(startupMillis.get(dbName)));
        out.println("[demo] Kafka broker on " + kafka.bootstrapServers() + " in " + seconds(startupMillis.get("Kafka"))
                + " (topics " + ACCOUNT_TOPIC + " x3 partitions, " + COMPLIANCE_TOPIC
                + (settings.incidents() ? " with max.message.bytes=" + TINY_MESSAGE_BYTES + ": the injected incident"
                        : "") + ")");

        ledger = new LedgerSimulator(0, seed);
        List<String> scripts = SchemaMigration.apply(settings.war(), database);
        out.println("[demo] Schema applied from " + settings.war().getFileName() + ": " + String.join(", ", scripts));

        t = System.nanoTime();
        webhookSecret = StandardWebhooks.newSecret();
        Map<String, String> config = serviceConfiguration();
        Path serverDir = work.resolve(settings.server().id());
        server = settings.server().start(settings, database.war(settings.war(), serverDir, config), serverDir,
                httpPort, config, out);
        out.println("[demo] " + server.name() + " starting (pid " + server.pid() + ", log " + server.log() + ") ...");
        long serverOwn = server.awaitReady(settings.readyTimeout());
        service = new ServiceClient(URI.create("http://127.0.0.1:" + httpPort + "/payments/api/"));
        console = new ServiceClient(URI.create("http://127.0.0.1:" + httpPort + "/payments/postbox/api/"),
                Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString((CONSOLE_USER + ":"
                        + consolePassword).getBytes(StandardCharsets.UTF_8))));
        awaitService();
        String started = server.name() + " + payments.war";
        startupMillis.put(started, millisSince(t));
        out.println("[demo] " + server.name() + " ready" + (serverOwn < 0 ? "" : " in " + seconds(serverOwn)
                + " (its own count)") + "; payments.war answering and relay ACTIVE after "
                + seconds(startupMillis.get(started)));
        printUrls();
    }

    /** What the WAR reads through MicroProfile Config (written to a file only the user can read). */
    private Map<String, String> serviceConfiguration() {
        Map<String, String> c = new LinkedHashMap<>();
        database.configure(c);
        c.put("postbox.relay.kafka.bootstrap-servers", kafka.bootstrapServers());
        c.put("postbox.demo.kafka.bootstrap-servers", kafka.bootstrapServers());
        c.put("postbox.demo.ledger.url", ledger.url().toString());
        c.put("postbox.inbox.webhooks.gateway.secrets", webhookSecret);
        c.put("postbox.demo.console.password", consolePassword);
        return c;
    }

    private void createTopics() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()))) {
            NewTopic accounts = new NewTopic(ACCOUNT_TOPIC, 3, (short) 1);
            NewTopic compliance = new NewTopic(COMPLIANCE_TOPIC, 1, (short) 1);
            if (settings.incidents()) {
                compliance.configs(Map.of("max.message.bytes", TINY_MESSAGE_BYTES));
            }
            admin.createTopics(List.of(accounts, compliance)).all().get(60, TimeUnit.SECONDS);
        }
    }

    /** The fix for the injected Kafka incident: the topic gets the broker's default message size back. */
    void fixComplianceTopic() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, COMPLIANCE_TOPIC);
            admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                    new ConfigEntry("max.message.bytes", ""), AlterConfigOp.OpType.DELETE))))
                    .all().get(60, TimeUnit.SECONDS);
        }
    }

    /** Waits until the WAR answers and its relay holds the slot: events written before that would be missed. */
    private void awaitService() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException(server.name() + " exited; see " + server.log() + server.recentSevere());
            }
            if (server.deploymentFailure() != null) {
                throw new IllegalStateException("payments.war failed to deploy: " + server.deploymentFailure()
                        + "\nsee " + server.log() + server.recentSevere());
            }
            try {
                ServiceClient.Answer a = console.get("relay");
                if (a.status() == 200) {
                    JsonObject relay = a.object();
                    last = "relay " + relay.getString("state");
                    if (relay.getString("state").equals("ACTIVE")) {
                        return;
                    }
                } else {
                    last = "GET postbox/api/relay answered " + a.status();
                }
            } catch (IllegalStateException e) {
                last = e.getMessage();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("payments.war did not come up with an ACTIVE relay within 120 s (" + last
                + "); see " + server.log() + server.recentSevere());
    }

    private void printUrls() {
        String base = "http://127.0.0.1:" + httpPort + "/payments/";
        out.println("[demo] ---- Ready " + seconds(elapsedMillis()) + " after launch ---------------------------------------");
        out.println("[demo]  Console       " + base + "postbox/   (user " + CONSOLE_USER + ", password "
                + consolePassword + ": generated for this run, shown only here)");
        out.println("[demo]  REST API      " + base + "api/accounts   (POST api/accounts/{id}/deposits with an"
                + " Idempotency-Key header)");
        out.println("[demo]  Console API   " + base + "postbox/api/inbox | outbox | relay | summary   (same"
                + " user; POSTs need the session token: see console/README.md)");
        out.println("[demo]  Stats         " + base + "api/stats");
        out.println("[demo]  Webhooks in   " + base + "api/webhooks/gateway   (Standard Webhooks; secret in "
                + server.configurationFile() + ")");
        out.println("[demo]  Ledger API    " + ledger.url() + "/postings   (simulated: 20-250 ms, fails for about"
                + " a third of the postings, up to 3 times)");
        // the database password is a secret like the webhook's: say where it is, never print it
        out.println("[demo]  " + String.format("%-14s", settings.database().displayName().split(" ")[0])
                + db.jdbcUrl() + "   (user " + db.user() + "; password: postbox.demo.db.password in "
                + server.configurationFile() + ")");
        out.println("[demo]  Kafka         " + kafka.bootstrapServers());
        out.println("[demo]  Server log    " + server.log() + "   (" + server.name() + ")");
        out.println("[demo] ----------------------------------------------------------------------------");
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + httpPort + "/payments/");
    }

    /** The operator console's page (postbox-console in the WAR). */
    public URI consoleUri() {
        return baseUri().resolve("postbox/");
    }

    ServiceClient service() {
        return service;
    }

    /** The console's REST API ({@code /payments/postbox/api/}), logged in as the operator. */
    ServiceClient console() {
        return console;
    }

    String consoleUser() {
        return CONSOLE_USER;
    }

    String consolePassword() {
        return consolePassword;
    }

    private static String newConsolePassword() {
        byte[] bytes = new byte[15];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The application server's console output. */
    Path serverLog() {
        return server.log();
    }

    LedgerSimulator ledger() {
        return ledger;
    }

    TestDatabase database() {
        return db;
    }

    String webhookSecret() {
        return webhookSecret;
    }

    long seed() {
        return seed;
    }

    DemoSettings settings() {
        return settings;
    }

    PrintStream out() {
        return out;
    }

    Map<String, Long> startupMillis() {
        return startupMillis;
    }

    /** Milliseconds since this launcher started the demo. */
    long elapsedMillis() {
        return millisSince(startedAt);
    }

    /** Runs the scenario and returns what the service reports back. */
    public ScenarioReport runScenario() throws Exception {
        return new Scenario(this).run();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            out.println("[demo] Stopping " + server.name() + " (pid " + server.pid() + ") ...");
            server.close();
            server = null;
        }
        if (ledger != null) {
            ledger.close();
            ledger = null;
        }
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
        if (database != null) {
            database.close();
            database = null;
        }
        out.println("[demo] Stopped.");
    }

    static String seconds(long millis) {
        return String.format("%.1f s", millis / 1000.0);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int requireFreePort(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return port;
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " is in use: start the demo with -Ddemo.http-port=0 (any"
                    + " free port) or another port, e.g. -Ddemo.http-port=9080", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir, e);
        }
    }
}
