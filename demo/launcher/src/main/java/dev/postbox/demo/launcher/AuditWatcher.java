package dev.postbox.demo.launcher;

import jakarta.json.JsonObject;
import java.io.PrintStream;

/** While the demo keeps running, tells the console when dead or parked records change (e.g. after a Replay). */
final class AuditWatcher extends Thread {

    private final ServiceClient service;
    private final PrintStream out;

    AuditWatcher(ServiceClient service, PrintStream out) {
        super("demo-audit-watcher");
        setDaemon(true);
        this.service = service;
        this.out = out;
    }

    @Override
    public void run() {
        String last = null;
        while (!isInterrupted()) {
            try {
                JsonObject stats = service.getObject("stats");
                String now = String.format("%d DEAD inbox record(s), %d relay dead letter(s), %d ledger postings,"
                        + " %d compliance reports", dead(stats), Json.number(stats, 0, "database", "relayParkedRows"),
                        Json.number(stats, 0, "database", "ledgerEntries"),
                        Json.number(stats, 0, "database", "complianceReports"));
                if (last != null && !now.equals(last)) {
                    out.println("[demo] Now: " + now);
                }
                last = now;
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the service is stopping or busy: try again
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private static long dead(JsonObject stats) {
        JsonObject inbox = stats.getJsonObject("inbox");
        long dead = 0;
        for (String scope : inbox.keySet()) {
            dead += Json.number(inbox, 0, scope, "statuses", "DEAD");
        }
        return dead;
    }
}
