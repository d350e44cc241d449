package dev.postbox.demo.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Payara Micro as a child process ({@code java -jar payara-micro.jar --deploy payments.war}), not in this JVM:
 * in-process it needs module opens and its class loaders clash with Kafka's and PostgreSQL's (measured). The
 * machine-specific configuration goes in a system-properties file (mode 600, so the webhook secret and the
 * database password are not on a command line), read by MicroProfile Config inside the WAR.
 *
 * <p>Its console goes to {@code payara-micro.log}; records at WARNING and above, and Postbox's and the demo's own
 * INFO records, are echoed to this console prefixed with {@code [payara]}.
 */
final class PayaraMicroProcess implements ServerProcess {

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");
    /** [time] [] [LEVEL] [msgid] [logger] [tid: ...] ... message */
    private static final Pattern RECORD = Pattern.compile(
            "^\\[(\\S+)\\] \\[[^\\]]*\\] \\[(\\w+)\\] \\[[^\\]]*\\] \\[([^\\]]*)\\] \\[tid: [^\\]]*\\] \\[timeMillis: \\d+\\] \\[levelValue: \\d+\\] (.*)$");
    private static final Pattern READY = Pattern.compile("ready in ([\\d,.]+) \\(ms\\)");

    private final Process process;
    private final Path log;
    private final Path configurationFile;
    private final PrintStream console;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Deque<String> severe = new ArrayDeque<>();
    private volatile long readyMillis = -1;
    private volatile String deploymentFailure;

    private PayaraMicroProcess(Process process, Path log, Path configurationFile, PrintStream console) {
        this.process = process;
        this.log = log;
        this.configurationFile = configurationFile;
        this.console = console;
    }

    static PayaraMicroProcess start(Path payaraJar, Path war, Path dir, int httpPort, String heap,
            Map<String, String> systemProperties, PrintStream console) throws IOException {
        Files.createDirectories(dir);
        Path props = dir.resolve("system.properties");
        Files.deleteIfExists(props);
        Files.createFile(props, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Properties p = new Properties();
        p.putAll(systemProperties);
        try (Writer w = Files.newBufferedWriter(props)) {
            p.store(w, "Postbox demo: configuration of the payments service (MicroProfile Config)");
        }
        // bind HTTP to loopback only (the demo has no authentication), and no data grid listening on port 6900
        Path preBoot = dir.resolve("pre-boot-commands.txt");
        Files.writeString(preBoot, "set configs.config.server-config.network-config.network-listeners"
                + ".network-listener.http-listener.address=127.0.0.1\n"
                + "set configs.config.server-config.hazelcast-config-specific-configuration.enabled=false\n");
        Path log = dir.resolve("payara-micro.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                // C1 only: Payara boots noticeably faster on a small machine, and the demo is not a benchmark
                "-XX:TieredStopAtLevel=1",
                "-jar", payaraJar.toString(),
                "--nocluster",
                // no data grid at all: nothing here needs it, and it saves seconds and a port scan
                "--nohazelcast",
                "--disablephonehome",
                "--port", Integer.toString(httpPort),
                "--rootdir", dir.resolve("root").toString(),
                "--systemproperties", props.toString(),
                "--prebootcommandfile", preBoot.toString(),
                "--deploy", war.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        PayaraMicroProcess micro = new PayaraMicroProcess(process, log, props, console);
        Thread pump = new Thread(micro::pump, "payara-micro-log");
        pump.setDaemon(true);
        pump.start();
        return micro;
    }

    /** Copies the console to the log file and echoes what matters. */
    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); Writer out = Files.newBufferedWriter(log)) {
            String current = null;
            StringBuilder message = new StringBuilder();
            String level = null;
            String line;
            while ((line = in.readLine()) != null) {
                String plain = ANSI.matcher(line).replaceAll("");
                out.write(plain);
                out.write('\n');
                out.flush();
                Matcher m = RECORD.matcher(plain);
                if (m.matches()) {
                    emit(level, current, message);
                    level = m.group(2);
                    current = m.group(3);
                    message.setLength(0);
                    message.append(m.group(4));
                } else if (current != null && !plain.isBlank()) {
                    message.append('\n').append(plain);
                }
                if (plain.isBlank()) {
                    emit(level, current, message);
                    current = null;
                    level = null;
                    message.setLength(0);
                }
            }
            emit(level, current, message);
        } catch (IOException e) {
            console.println("[payara] log pump stopped: " + e);
        }
    }

    private void emit(String level, String logger, StringBuilder raw) {
        if (logger == null) {
            return;
        }
        String text = raw.toString().replace("[[", "").replace("]]", "").strip();
        Matcher r = READY.matcher(text);
        if (logger.equals("PayaraMicro") && r.find()) {
            readyMillis = Long.parseLong(r.group(1).replaceAll("[,.]", ""));
            ready.countDown();
        }
        boolean ours = logger.startsWith("dev.postbox");
        boolean loud = level.equals("SEVERE") || level.equals("WARNING");
        if (level.equals("SEVERE") && (text.startsWith("Exception while loading the app")
                || text.startsWith("Exception while deploying the app"))) {
            deploymentFailure = firstLines(text, 3);
        }
        if (level.equals("SEVERE")) {
            synchronized (severe) {
                severe.addLast(logger + ": " + firstLines(text, 6));
                if (severe.size() > 20) {
                    severe.removeFirst();
                }
            }
        }
        if ((ours && !level.equals("FINE")) || (loud && !boring(logger, text))) {
            console.println("[payara] " + level + " " + shortName(logger) + ": " + firstLines(text, 8));
        }
    }

    /** Known, harmless warnings of a Payara Micro start. */
    private static boolean boring(String logger, String text) {
        // AS-DEPLOYMENT-00015: classes of WEB-INF/lib that refer to optional classes which are absent (thousands
        // for Debezium and Kafka Connect; harmless). NCLS-SECURITY-05054: expired CA certificates in Payara's
        // bundled trust store.
        return text.contains("temporary file location") || text.contains("phone home")
                || text.startsWith("AS-DEPLOYMENT-00015") || text.contains("has expired")
                // Debezium's PostgreSQL type registry meets the same array type twice: harmless
                || (logger.endsWith("TypeRegistry") && text.contains("is already mapped"))
                || logger.startsWith("org.glassfish.grizzly.http2");
    }

    private static String shortName(String logger) {
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }

    private static String firstLines(String text, int max) {
        String[] lines = text.split("\n");
        if (lines.length <= max) {
            return text;
        }
        return String.join("\n", java.util.Arrays.copyOf(lines, max)) + "\n    ... (" + (lines.length - max)
                + " more lines in the Payara log)";
    }

    /**
     * Waits for "Payara Micro ... ready in N (ms)".
     *
     * @return Payara's own start-up time in ms
     * @throws IllegalStateException when the process ends or the time runs out first
     */
    @Override
    public String name() {
        return DemoServer.PAYARA.displayName();
    }

    @Override
    public long awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ready.await(200, TimeUnit.MILLISECONDS)) {
                return readyMillis;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("Payara Micro exited with code " + process.exitValue()
                        + " before it was ready; see " + log + recentSevere());
            }
        }
        throw new IllegalStateException("Payara Micro was not ready within " + timeout.toSeconds() + " s; see " + log
                + recentSevere());
    }

    /** The last SEVERE records, for error messages. */
    @Override
    public String recentSevere() {
        synchronized (severe) {
            return severe.isEmpty() ? "" : "\nLast SEVERE records:\n  " + String.join("\n  ", severe);
        }
    }

    /** Payara's message when the WAR failed to deploy, else null. */
    @Override
    public String deploymentFailure() {
        return deploymentFailure;
    }

    @Override
    public Path log() {
        return log;
    }

    @Override
    public Path configurationFile() {
        return configurationFile;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM (Payara undeploys: the relay flushes its offsets), then SIGKILL after 30 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                console.println("[demo] Payara Micro did not stop within 30 s; killing pid " + process.pid());
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
