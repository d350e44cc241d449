package dev.postbox.demo.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * What WildFly's and Open Liberty's processes share: the console copied to a log file, each record parsed by the
 * server's subclass (level, logger, message), records at WARNING and above and Postbox's own INFO records echoed to
 * the launcher's console prefixed with {@code [server]}, readiness and deployment failure read from the records,
 * and a stop that also reaches the server's JVM under its start script.
 */
abstract class ServerConsole implements ServerProcess {

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

    /** One record of the server's log; {@code level} as java.util.logging names it (SEVERE, WARNING, INFO, FINE). */
    record LogRecord(String level, String logger, String text) {
    }

    private final String name;
    private final String prefix;
    private final Process process;
    private final Path log;
    private final Path configurationFile;
    private final PrintStream console;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Deque<String> severe = new ArrayDeque<>();
    private volatile long readyMillis = -1;
    private volatile String deploymentFailure;

    ServerConsole(DemoServer server, Process process, Path log, Path configurationFile, PrintStream console) {
        this.name = server.displayName();
        this.prefix = "[" + server.id() + "] ";
        this.process = process;
        this.log = log;
        this.configurationFile = configurationFile;
        this.console = console;
        Thread pump = new Thread(this::pump, server.id() + "-log");
        pump.setDaemon(true);
        pump.start();
    }

    /** The record a line starts, or null for a further line of the current record (a stack trace, say). */
    abstract LogRecord parse(String line);

    /** Looks at the first line of each record for readiness ({@link #ready}) and failure ({@link #failed}). */
    abstract void inspect(LogRecord record);

    /** Known, harmless warnings of the server, not echoed. */
    abstract boolean boring(LogRecord record);

    final void ready(long serverMillis) {
        readyMillis = serverMillis;
        ready.countDown();
    }

    final void failed(String message) {
        if (deploymentFailure == null) {
            deploymentFailure = message;
        }
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); Writer out = Files.newBufferedWriter(log)) {
            LogRecord current = null;
            StringBuilder text = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null) {
                String plain = ANSI.matcher(line).replaceAll("");
                out.write(plain);
                out.write('\n');
                out.flush();
                LogRecord next = parse(plain);
                if (next != null) {
                    emit(current, text);
                    current = next;
                    text.setLength(0);
                    text.append(next.text());
                    inspect(next);
                } else if (current != null && !plain.isBlank()) {
                    text.append('\n').append(plain);
                }
            }
            emit(current, text);
        } catch (IOException e) {
            console.println(prefix + "log pump stopped: " + e);
        }
    }

    private void emit(LogRecord record, StringBuilder raw) {
        if (record == null) {
            return;
        }
        LogRecord r = new LogRecord(record.level(), record.logger(), raw.toString().strip());
        boolean ours = r.logger().startsWith("dev.postbox");
        boolean loud = r.level().equals("SEVERE") || r.level().equals("WARNING");
        if (r.level().equals("SEVERE")) {
            synchronized (severe) {
                severe.addLast(r.logger() + ": " + firstLines(r.text(), 6));
                if (severe.size() > 20) {
                    severe.removeFirst();
                }
            }
        }
        if ((ours && !r.level().equals("FINE")) || (loud && !boring(r))) {
            console.println(prefix + r.level() + " " + shortName(r.logger()) + ": " + firstLines(r.text(), 8));
        }
    }

    private static String shortName(String logger) {
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }

    private String firstLines(String text, int max) {
        String[] lines = text.split("\n");
        if (lines.length <= max) {
            return text;
        }
        return String.join("\n", Arrays.copyOf(lines, max)) + "\n    ... (" + (lines.length - max)
                + " more lines in the " + name + " log)";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ready.await(200, TimeUnit.MILLISECONDS) || deploymentFailure != null) {
                return readyMillis;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " before it was ready; see " + log + recentSevere());
            }
        }
        throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s; see " + log
                + recentSevere());
    }

    @Override
    public String recentSevere() {
        synchronized (severe) {
            return severe.isEmpty() ? "" : "\nLast SEVERE records:\n  " + String.join("\n  ", severe);
        }
    }

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

    /**
     * SIGTERM to the start script and to the server's JVM under it (a shell that runs java in the foreground does
     * not pass the signal on), then SIGKILL to whatever is left after 30 s.
     */
    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            for (ProcessHandle p : all) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || p.onExit().get(Math.max(left, 1), TimeUnit.NANOSECONDS) == null) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // killed below
        }
        for (ProcessHandle p : all) {
            if (p.isAlive()) {
                console.println("[demo] " + name + " did not stop within 30 s; killing pid " + p.pid());
                p.destroyForcibly();
            }
        }
    }
}
