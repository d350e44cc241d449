package dev.postbox.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postbox.relay.OutboxRelay;
import dev.postbox.relay.RelayStatus;
import dev.postbox.testkit.KafkaBroker;
import dev.postbox.testkit.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Postbox's relay on a real Kafka Connect distributed cluster of two workers (connect-runtime at the test kit's
 * Kafka version), with the transform installed as a user installs it: the module's plugin zip unpacked into the
 * workers' {@code plugin.path}, Postbox's jars left off their classpath (so it runs in Connect's plugin isolation,
 * from the zip's jars). The Debezium PostgreSQL source connector with {@link PostboxEventRouter} against the test kit's
 * PostgreSQL and broker, while the embedded relay ({@code postbox-debezium}) publishes the same rows to other
 * topics. Mid-stream the worker running the connector's task is killed (SIGKILL): the task moves to the other
 * worker, every event arrives at least once and in order per aggregate, and each record is identical (topic after
 * its prefix, partition, key, headers, value bytes, timestamp) to the one the embedded relay published.
 *
 * <p>Default build: 200 aggregates × {@code postbox.connect.events-per-aggregate} (20: 4,000 events);
 * {@code -Pconnect-scale}: 100 each, 20,000 events.
 */
class ConnectClusterIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(300);
    private static final int AGGREGATES = 200;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SEQ = Pattern.compile("\"seq\":\\s*(\\d+)");

    @Test
    void aKilledWorkersTaskMovesAndEveryEventArrivesInOrderIdenticalToTheEmbeddedRelays() throws Exception {
        int perAggregate = Integer.getInteger("postbox.connect.events-per-aggregate", 20);
        int total = AGGREGATES * perAggregate;
        PostgresServer.Database db = PostgresServer.shared().createDatabase("connect");
        db.execute(resource(Path.of("../outbox/src/main/resources/db/postbox/V1_1__postbox_outbox.sql")),
                classpathResource("/db/postbox/V1_3__postbox_relay.sql"));
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        String connectPrefix = "connect-" + db.name();
        String relayPrefix = "relay-" + db.name();
        Path dir = Path.of("target", "connect-cluster", db.name());
        Map<String, String> plugins = Map.of("plugin.path", unzipPlugin(dir.resolve("plugins")).toString());
        long started = System.nanoTime();

        try (OutboxRelay relay = OutboxRelay.builder().jdbc(db.jdbcUrl(), db.user(), db.password())
                        .slotName("relay_" + db.name()).publicationName("relay_" + db.name())
                        .pollInterval(Duration.ofMillis(10)).offsetFlushInterval(Duration.ofMillis(500))
                        .heartbeatInterval(Duration.ZERO)
                        .kafka(bootstrap).topicPattern(relayPrefix + ".${aggregatetype}").build();
                ConnectWorker first = ConnectWorker.start("worker-1", bootstrap, connectPrefix, dir, plugins);
                ConnectWorker second = ConnectWorker.start("worker-2", bootstrap, connectPrefix, dir, plugins);
                KafkaConsumer<byte[], byte[]> connectConsumer = consumer(Pattern.compile(Pattern.quote(connectPrefix) + "\\..*"));
                KafkaConsumer<byte[], byte[]> relayConsumer = consumer(Pattern.compile(Pattern.quote(relayPrefix) + "\\..*"))) {
            relay.start();
            List<ConnectWorker> workers = List.of(first, second);
            await("both workers' REST APIs", () -> workers.stream().allMatch(w -> status(w, "/") == 200));
            assertTransformFromThePluginZip(first);

            String connector = "postbox-outbox";
            HttpResponse<String> created = first.rest("PUT", "/connectors/" + connector + "/config",
                    JSON.writeValueAsString(connectorConfig(db, connectPrefix)));
            assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
            await("the connector's task RUNNING", () -> runningTaskWorker(workers, connector) != null);
            await("both slots streaming", () -> db.queryLong(
                    "select count(*) from pg_replication_slots where active and slot_name in ('relay_"
                            + db.name() + "', 'connect_" + db.name() + "')") == 2);
            await("the embedded relay ACTIVE", () -> relay.status().state() == RelayStatus.State.ACTIVE);
            long ready = System.nanoTime();

            CountDownLatch killed = new CountDownLatch(1);
            Thread writer = new Thread(() -> insertMany(db, perAggregate, killed), "outbox-writer");
            writer.start();
            List<ConsumerRecord<byte[], byte[]>> fromConnect = new ArrayList<>();
            await("a quarter of the events through Connect", () -> {
                poll(connectConsumer, fromConnect);
                return fromConnect.size() >= total / 4;
            });
            String victimId = runningTaskWorker(workers, connector);
            ConnectWorker victim = workers.stream().filter(w -> w.id().equals(victimId)).findFirst().orElseThrow();
            ConnectWorker survivor = victim == first ? second : first;
            int beforeKill = fromConnect.size();
            victim.kill();
            long killedAt = System.nanoTime();
            killed.countDown(); // the second half of the events is written from now on

            await("the task RUNNING on the surviving worker", () -> survivor.id().equals(runningTaskWorker(
                    List.of(survivor), connector)));
            long moved = System.nanoTime();
            List<ConsumerRecord<byte[], byte[]>> fromRelay = new ArrayList<>();
            await("every event through Connect and through the embedded relay", () -> {
                poll(connectConsumer, fromConnect);
                poll(relayConsumer, fromRelay);
                return distinctIds(fromConnect) == total && distinctIds(fromRelay) == total;
            });
            writer.join();
            long done = System.nanoTime();
            drain(connectConsumer, fromConnect);
            drain(relayConsumer, fromRelay);

            int duplicates = assertInOrderPerAggregate(fromConnect, connectPrefix, perAggregate);
            assertThat(assertInOrderPerAggregate(fromRelay, relayPrefix, perAggregate)).isZero();
            assertIdentical(fromConnect, connectPrefix, fromRelay, relayPrefix);
            System.out.printf("Connect cluster: %d events over %d aggregates; cluster ready in %d ms; %d records "
                    + "through Connect before the kill of %s; task running on %s %d ms after the kill; all "
                    + "arrived %d ms after the first insert; %d duplicates; every record identical to the embedded "
                    + "relay's; whole test %d ms%n", total, AGGREGATES, (ready - started) / 1_000_000, beforeKill,
                    victim.name, survivor.name, (moved - killedAt) / 1_000_000, (done - ready) / 1_000_000,
                    duplicates, (System.nanoTime() - started) / 1_000_000);
            survivor.rest("DELETE", "/connectors/" + connector, null);
        } finally {
            dropSlots(db);
        }
    }

    /**
     * The connector configuration the connect README gives as ready JSON, read from the README itself, with this
     * test's database, slot, publication and topic prefix put in.
     */
    private static Map<String, String> connectorConfig(PostgresServer.Database db, String topicPrefix)
            throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Matcher json = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(json.find()).as("a ```json block in connect/README.md").isTrue();
        Map<String, String> c = new LinkedHashMap<>();
        JSON.readTree(json.group(1)).fields().forEachRemaining(e -> c.put(e.getKey(), e.getValue().asText()));
        assertThat(c).containsEntry("transforms.postbox.type", PostboxEventRouter.class.getName())
                .containsEntry("errors.tolerance", "none")
                .containsEntry("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        c.put("database.hostname", db.host());
        c.put("database.port", Integer.toString(db.port()));
        c.put("database.user", db.user());
        c.put("database.password", db.password());
        c.put("database.dbname", db.name());
        c.put("topic.prefix", db.name());
        c.put("slot.name", "connect_" + db.name());
        c.put("publication.name", "connect_" + db.name());
        c.put("transforms.postbox.topic-pattern", topicPrefix + ".${aggregatetype}");
        return c;
    }

    /** Unpacks the zip {@code mvn package} built (failsafe runs after it) into a plugin.path directory. */
    private static Path unzipPlugin(Path pluginPath) throws IOException {
        Path zip = Path.of(System.getProperty("postbox.connect.plugin-zip", "target/missing-plugin.zip"));
        assertThat(zip).as("the plugin zip built by mvn package").exists();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(zip))) {
            for (java.util.zip.ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Path target = pluginPath.resolve(e.getName()).normalize();
                assertThat(target.startsWith(pluginPath)).as("zip entry " + e.getName() + " inside the directory")
                        .isTrue();
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return pluginPath.toAbsolutePath();
    }

    /** The worker lists the transform with the version from the zip's jar manifest (build classes have none). */
    private static void assertTransformFromThePluginZip(ConnectWorker worker) throws IOException {
        HttpResponse<String> r = worker.rest("GET", "/connector-plugins?connectorsOnly=false", null);
        JsonNode transform = null;
        for (JsonNode plugin : JSON.readTree(r.body())) {
            if (PostboxEventRouter.class.getName().equals(plugin.path("class").asText())) {
                transform = plugin;
            }
        }
        assertThat(transform).as("PostboxEventRouter among " + r.body()).isNotNull();
        assertThat(transform.path("type").asText()).isEqualTo("transformation");
        assertThat(transform.path("version").asText()).isEqualTo(System.getProperty("postbox.connect.version"));
    }

    /**
     * 200 aggregates (half Account, half Order), seq 1..n each, interleaved, in 400 paced transactions; after half of
     * them it waits until the worker was killed, so that the kill lands mid-stream however fast the machine is.
     */
    private static void insertMany(PostgresServer.Database db, int perAggregate, CountDownLatch killed) {
        int total = AGGREGATES * perAggregate;
        int perTransaction = Math.max(1, total / 400);
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into outbox_event (id, aggregatetype, aggregateid, type, payload, headers, tracingspancontext)"
                        + " values (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)")) {
            c.setAutoCommit(false);
            int inTx = 0;
            for (int seq = 1; seq <= perAggregate; seq++) {
                for (int a = 0; a < AGGREGATES; a++) {
                    if (seq == perAggregate / 2 + 1 && a == 0) {
                        ps.executeBatch();
                        c.commit();
                        inTx = 0;
                        if (!killed.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                            throw new IllegalStateException("the worker was not killed within " + TIMEOUT);
                        }
                    }
                    ps.setObject(1, UUID.randomUUID());
                    ps.setString(2, a % 2 == 0 ? "Account" : "Order");
                    ps.setString(3, "a-" + a);
                    ps.setString(4, "Seq");
                    ps.setString(5, "{\"seq\": " + seq + ", \"note\": \"ü €\", \"nested\": {\"b\": [1, 2.50]}}");
                    ps.setString(6, "{\"tenant\": \"t-" + (a % 7) + "\", \"zone\": \"eu\"}");
                    ps.setString(7, "traceparent=00-0af7651916cd43dd8448eb211c80319c-" + String.format("%016x", seq)
                            + "-01\n");
                    ps.addBatch();
                    if (++inTx == perTransaction) {
                        ps.executeBatch();
                        c.commit();
                        inTx = 0;
                        Thread.sleep(15); // a steady stream
                    }
                }
            }
            ps.executeBatch();
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Each aggregate's seq runs 1..n in order once redeliveries are set aside (a redelivery repeats a suffix, it
     * never skips ahead). Returns the number of redelivered records.
     */
    private static int assertInOrderPerAggregate(List<ConsumerRecord<byte[], byte[]>> records, String prefix,
            int perAggregate) {
        Map<String, Integer> highest = new HashMap<>();
        int duplicates = 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            assertThat(r.topic()).startsWith(prefix + ".");
            String aggregate = r.topic() + "/" + new String(r.key(), StandardCharsets.UTF_8);
            int seq = seq(r);
            int last = highest.getOrDefault(aggregate, 0);
            if (seq <= last) {
                duplicates++;
            } else {
                assertThat(seq).as("next seq of " + aggregate).isEqualTo(last + 1);
                highest.put(aggregate, seq);
            }
        }
        assertThat(highest).hasSize(AGGREGATES);
        assertThat(highest.values()).allSatisfy(s -> assertThat(s).isEqualTo(perAggregate));
        return duplicates;
    }

    /** Every record through Connect, redeliveries included, equals the embedded relay's record of that event. */
    private static void assertIdentical(List<ConsumerRecord<byte[], byte[]>> fromConnect, String connectPrefix,
            List<ConsumerRecord<byte[], byte[]>> fromRelay, String relayPrefix) {
        Map<String, String> relayRecords = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : fromRelay) {
            relayRecords.putIfAbsent(id(r), describe(r, relayPrefix));
        }
        for (ConsumerRecord<byte[], byte[]> r : fromConnect) {
            assertThat(describe(r, connectPrefix)).as("record of event " + id(r)).isEqualTo(relayRecords.get(id(r)));
        }
    }

    /** Everything a consumer can see of a record but its offset, with the test's topic prefix taken off. */
    private static String describe(ConsumerRecord<byte[], byte[]> r, String prefix) {
        StringBuilder s = new StringBuilder();
        s.append("topic=").append(r.topic().substring(prefix.length())).append(" partition=").append(r.partition())
                .append(" timestamp=").append(r.timestamp()).append(' ').append(r.timestampType())
                .append(" key=").append(hex(r.key())).append(" value=").append(hex(r.value())).append(" headers=");
        for (Header h : r.headers()) {
            s.append(h.key()).append(':').append(hex(h.value())).append(',');
        }
        return s.toString();
    }

    private static String hex(byte[] bytes) {
        return bytes == null ? "null" : java.util.HexFormat.of().formatHex(bytes);
    }

    private static String id(ConsumerRecord<byte[], byte[]> r) {
        Header h = r.headers().lastHeader("id");
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static int seq(ConsumerRecord<byte[], byte[]> r) {
        Matcher m = SEQ.matcher(new String(r.value(), StandardCharsets.UTF_8));
        if (!m.find()) {
            throw new IllegalStateException("no seq in record " + describe(r, ""));
        }
        return Integer.parseInt(m.group(1));
    }

    private static long distinctIds(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(ConnectClusterIT::id).distinct().count();
    }

    /** The id of the worker whose task 0 of {@code connector} is RUNNING, asked of any live worker, or null. */
    private static String runningTaskWorker(List<ConnectWorker> workers, String connector) {
        for (ConnectWorker w : workers) {
            if (!w.alive()) {
                continue;
            }
            HttpResponse<String> r = w.rest("GET", "/connectors/" + connector + "/status", null);
            if (r == null || r.statusCode() != 200) {
                continue;
            }
            try {
                JsonNode task = JSON.readTree(r.body()).path("tasks").path(0);
                if ("RUNNING".equals(task.path("state").asText())) {
                    return task.path("worker_id").asText();
                }
                if ("FAILED".equals(task.path("state").asText())) {
                    fail("the connector's task failed: " + task.path("trace").asText());
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return null;
    }

    private static int status(ConnectWorker w, String path) {
        HttpResponse<String> r = w.rest("GET", path, null);
        return r == null ? -1 : r.statusCode();
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Pattern topics) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "500"); // topics appear as the first events arrive
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(topics);
        return consumer;
    }

    private static void poll(KafkaConsumer<byte[], byte[]> consumer, List<ConsumerRecord<byte[], byte[]>> into) {
        consumer.poll(Duration.ofMillis(100)).forEach(into::add);
    }

    private static void drain(KafkaConsumer<byte[], byte[]> consumer, List<ConsumerRecord<byte[], byte[]>> into) {
        long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        while (System.nanoTime() < until) {
            poll(consumer, into);
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + TIMEOUT.toSeconds() + " s waiting for " + what
                        + " (worker logs in connect/target/connect-cluster/)");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    private static void dropSlots(PostgresServer.Database db) {
        for (String slot : new String[] {"relay_" + db.name(), "connect_" + db.name()}) {
            try {
                db.queryLong("select count(pg_drop_replication_slot(slot_name)) from pg_replication_slots "
                        + "where slot_name = '" + slot + "' and not active");
            } catch (RuntimeException e) {
                System.out.println("could not drop slot " + slot + ": " + e);
            }
        }
    }

    private static String resource(Path path) throws IOException {
        return Files.readString(path);
    }

    private static String classpathResource(String name) throws IOException {
        try (InputStream in = ConnectClusterIT.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
