package dev.postbox.demo.launcher;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The application server running payments.war as a child process of the launcher, bound to 127.0.0.1: one
 * implementation per {@link DemoServer}. The demo talks to the service over HTTP only; this is what it needs to
 * know about the process itself (when it is up, why it failed, where its log is).
 */
interface ServerProcess extends AutoCloseable {

    /** The server's name for messages, e.g. "WildFly". */
    String name();

    /**
     * Waits until the server reports it has started (with payments.war deployed, or failed to).
     *
     * @return the server's own start-up time in ms as it reports it, or -1 when it reports none
     * @throws IllegalStateException when the process ends or the time runs out first
     */
    long awaitReady(Duration timeout) throws InterruptedException;

    /** The last error records of the server, for error messages ("" when none). */
    String recentSevere();

    /** The server's message when payments.war failed to deploy, else null. */
    String deploymentFailure();

    /** The server's console output, as written (one file for the whole run). */
    Path log();

    /** The file (mode 600) with the machine-specific MicroProfile Config values, the secrets among them. */
    Path configurationFile();

    long pid();

    boolean isAlive();

    /** Stops the server (SIGTERM: it undeploys, the relay flushes its offsets), killing it after 30 s. */
    @Override
    void close();
}
