package dev.postbox.connect;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One Kafka Connect distributed worker ({@code org.apache.kafka.connect.cli.ConnectDistributed} from connect-runtime's
 * main jar) in a JVM of its own, on this test's classpath, its REST API on 127.0.0.1. A JVM of its own so that it can
 * be killed abruptly ({@link #kill()}: SIGKILL, no shutdown hook, no offset flush, sockets closed by the kernel), as a
 * crashed worker is; two workers in one JVM could only be stopped politely.
 */
final class ConnectWorker implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final int port;
    private final Process process;

    private ConnectWorker(String name, int port, Process process) {
        this.name = name;
        this.port = port;
        this.process = process;
    }

    /** Starts a worker of the cluster {@code groupId}; {@code settings} override the test's worker defaults. */
    static ConnectWorker start(String name, String bootstrapServers, String groupId, Path dir,
            Map<String, String> settings) {
        try {
            int port = freePort();
            Properties p = new Properties();
            p.setProperty("bootstrap.servers", bootstrapServers);
            p.setProperty("group.id", groupId);
            p.setProperty("config.storage.topic", groupId + "-configs");
            p.setProperty("offset.storage.topic", groupId + "-offsets");
            p.setProperty("status.storage.topic", groupId + "-status");
            p.setProperty("config.storage.replication.factor", "1");
            p.setProperty("offset.storage.replication.factor", "1");
            p.setProperty("status.storage.replication.factor", "1");
            p.setProperty("offset.storage.partitions", "1");
            p.setProperty("status.storage.partitions", "1");
            // a common worker default; the connector's own configuration (the README's JSON) sets StringConverter
            p.setProperty("key.converter", "org.apache.kafka.connect.json.JsonConverter");
            p.setProperty("value.converter", "org.apache.kafka.connect.json.JsonConverter");
            p.setProperty("listeners", "http://127.0.0.1:" + port);
            p.setProperty("rest.advertised.host.name", "127.0.0.1");
            p.setProperty("rest.advertised.port", Integer.toString(port));
            // plugins from their META-INF/services manifests (Debezium's and Postbox's jars have them): no
            // reflective scan of the whole test classpath at start-up
            p.setProperty("plugin.discovery", "service_load");
            p.setProperty("offset.flush.interval.ms", "1000");
            // a lost worker's tasks move after its session expires and this delay (default 5 minutes)
            p.setProperty("session.timeout.ms", "6000");
            p.setProperty("heartbeat.interval.ms", "1000");
            p.setProperty("scheduled.rebalance.max.delay.ms", "1000");
            p.setProperty("task.shutdown.graceful.timeout.ms", "2000");
            settings.forEach(p::setProperty);
            Files.createDirectories(dir);
            Path config = dir.resolve(name + ".properties");
            try (var out = Files.newBufferedWriter(config)) {
                p.store(out, "Postbox ConnectClusterTest worker " + name);
            }
            String classpath = workerClasspath();
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                    "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true",
                    "-Djava.util.logging.config.file=" + new File("src/test/resources/worker-logging.properties")
                            .getAbsolutePath(),
                    "-cp", classpath, "org.apache.kafka.connect.cli.ConnectDistributed", config.toString()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve(name + ".log").toFile()).start();
            return new ConnectWorker(name, port, process);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Connect worker " + name, e);
        }
    }

    /**
     * This test's classpath without Postbox's own jars and classes (postbox-connect, postbox-debezium,
     * postbox-common): the workers load the transform from the plugin zip in their plugin.path, as a user's do.
     */
    static String workerClasspath() {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Pattern postbox = Pattern.compile("(^|.*/)((common|debezium-connector|connect)/target/(classes|test-classes"
                + "|postbox-[a-z]+-[^/]*\\.jar)|postbox-(common|debezium|connect)-[^/]*\\.jar)$");
        return Arrays.stream(classpath.split(File.pathSeparator))
                .filter(entry -> !postbox.matcher(entry.replace(File.separatorChar, '/')).matches())
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    String id() {
        return "127.0.0.1:" + port;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** GET or PUT on the REST API; returns status and body, or status -1 while the worker does not answer. */
    HttpResponse<String> rest(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).header("content-type", "application/json");
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL: the worker ends at once, as a crashed machine's would. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Ends the worker at once: its topics and group belong to this test alone, a polite stop only costs time. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
