package dev.postbox.fault.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A relay in a JVM of its own ({@link RelayMain}), on this JVM's class path, logging to a file. {@link #kill()} is
 * {@code kill -9}: no shutdown hook, no final offset flush, sockets closed by the kernel.
 */
public final class ForkedRelay implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ForkedRelay(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static ForkedRelay start(Map<String, String> relayConfig, String logName) {
        Path log = Report.logDirectory().resolve(logName + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx384m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1"); // starts faster; the relay is I/O bound here
        String logging = System.getProperty("java.util.logging.config.file");
        if (logging != null) {
            command.add("-Djava.util.logging.config.file=" + logging);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path")); // surefire: a jar whose manifest names the class path
        command.add(RelayMain.class.getName());
        relayConfig.forEach((k, v) -> command.add(k + "=" + v));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return new ForkedRelay(p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not fork the relay JVM", e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** SIGKILL, then wait until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** SIGTERM (the relay stops cleanly in its shutdown hook); SIGKILL if it has not ended within a minute. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    private void waitFor() {
        try {
            process.waitFor(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
