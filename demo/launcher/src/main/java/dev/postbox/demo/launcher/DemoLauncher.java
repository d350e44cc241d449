package dev.postbox.demo.launcher;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * {@code mvn -B -Pdemo -pl demo/launcher -am verify -DskipTests}: starts the demo, runs the scenario, prints the
 * summary, then keeps running until Ctrl-C ({@code -Ddemo.exit-after-scenario=true}: stops after the summary,
 * exit code 1 when a check failed).
 */
public final class DemoLauncher {

    private DemoLauncher() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        DemoSettings settings;
        try {
            settings = DemoSettings.fromSystemProperties();
        } catch (IllegalArgumentException e) {
            out.println("[demo] FAILED to start: " + e.getMessage());
            System.exit(2);
            return;
        }
        Demo demo;
        try {
            demo = Demo.start(settings, out);
        } catch (Exception e) {
            out.println("[demo] FAILED to start: " + e.getMessage());
            e.printStackTrace(out);
            System.exit(2);
            return;
        }
        Thread stopper = new Thread(demo::close, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);

        ScenarioReport report = demo.runScenario();
        report.lines().forEach(line -> out.println("[demo] " + line));
        if (settings.exitAfterScenario()) {
            Runtime.getRuntime().removeShutdownHook(stopper);
            demo.close();
            System.exit(report.problems().isEmpty() ? 0 : 1);
        }
        out.println("[demo] The service keeps running: open " + demo.consoleUri() + " (user " + demo.consoleUser()
                + ", password above) - press Ctrl-C to stop.");
        new AuditWatcher(demo.service(), out).start();
        new CountDownLatch(1).await();
    }
}
