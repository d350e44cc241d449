package dev.postbox.it.harness;

import java.io.PrintStream;

/**
 * Copies what is printed on {@code System.out} into a buffer while capturing. arquillian-payara-micro-managed prints
 * every line of Payara Micro's console with {@code System.out.println(String)}; this is how the harness sees the
 * server's deployment errors, which the adapter itself does not report.
 */
final class ConsoleCapture extends PrintStream {

    private final PrintStream target;
    private StringBuilder buffer;

    private ConsoleCapture(PrintStream target) {
        super(target, true);
        this.target = target;
    }

    /** Installs the capture on {@code System.out} once per JVM and returns it. */
    static synchronized ConsoleCapture install() {
        if (System.out instanceof ConsoleCapture capture) {
            return capture;
        }
        ConsoleCapture capture = new ConsoleCapture(System.out);
        System.setOut(capture);
        return capture;
    }

    synchronized void start() {
        buffer = new StringBuilder();
    }

    /** Stops capturing and returns what was printed since {@link #start()}. */
    synchronized String stop() {
        String captured = buffer == null ? "" : buffer.toString();
        buffer = null;
        return captured;
    }

    @Override
    public void println(String line) {
        synchronized (this) {
            if (buffer != null) {
                buffer.append(line).append('\n');
            }
        }
        target.println(line);
    }
}
