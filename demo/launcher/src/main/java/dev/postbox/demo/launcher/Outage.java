package dev.postbox.demo.launcher;

import jakarta.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * After the scenario: the ledger API goes down for {@code demo.outage-seconds} while customers keep depositing
 * ({@code demo.outage-postings} deposits, each one a ledger posting), then comes back. The "ledger" scope's circuit
 * breaker is meant to stop the calls after a few failures (one probe per cool-down), keep the postings, and send
 * the backlog within its rate limit once a probe succeeds; this measures whether it did.
 */
final class Outage {

    private static final long SECOND = 1_000_000_000L;

    private final Demo demo;
    private final DemoSettings settings;
    private final ServiceClient service;
    private final PrintStream out;
    private final Random random;
    private final long ledgerCompletedBefore;

    /** @param ledgerCompletedBefore ledger records COMPLETED when the phase starts (the scenario's) */
    Outage(Demo demo, long ledgerCompletedBefore) {
        this.demo = demo;
        this.settings = demo.settings();
        this.service = demo.service();
        this.out = demo.out();
        this.random = new Random(demo.seed() ^ 0x07A6EL);
        this.ledgerCompletedBefore = ledgerCompletedBefore;
    }

    OutageReport run() throws Exception {
        awaitBreaker("CLOSED");
        int postings = settings.outagePostings();
        JsonObject before = service.getObject("stats");
        long entriesBefore = Json.number(before, 0, "database", "ledgerEntries");
        long distinctBefore = Json.number(before, 0, "database", "ledgerDistinctEvents");
        out.println("[demo] Outage: the ledger API goes down for " + settings.outage().toSeconds() + " s while "
                + postings + " deposits are made ...");
        LedgerSimulator ledger = demo.ledger();
        long start = System.nanoTime();
        ledger.down(true);
        deposit(postings);
        long remaining = start + settings.outage().toNanos() - System.nanoTime();
        if (remaining > 0) {
            TimeUnit.NANOSECONDS.sleep(remaining);
        }
        JsonObject atEnd = service.getObject("stats");
        long end = System.nanoTime();
        ledger.down(false);
        out.println("[demo] Outage over after " + Demo.seconds((end - start) / 1_000_000)
                + "; waiting for the backlog to drain ...");

        long expectedCompleted = ledgerCompletedBefore + postings;
        String unsettled = "";
        JsonObject settled = null;
        long deadline = System.nanoTime() + settings.settleTimeout().toNanos();
        while (true) {
            settled = service.getObject("stats");
            unsettled = unsettled(settled, expectedCompleted, entriesBefore, distinctBefore, postings);
            if (unsettled.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(250);
        }
        long settledAt = System.nanoTime();
        long distinct = Json.number(settled, 0, "database", "ledgerDistinctEvents") - distinctBefore;

        List<Long> during = new ArrayList<>();
        List<Long> after = new ArrayList<>();
        for (long t : ledger.callTimes()) {
            if (t >= start && t < end) {
                during.add(t);
            } else if (t >= end) {
                after.add(t);
            }
        }
        return new OutageReport((end - start) / 1_000_000, postings, during.size(),
                breaker(atEnd, "probes") - breaker(before, "probes"),
                breaker(atEnd, "opens") - breaker(before, "opens"),
                breaker(atEnd, "deferred") - breaker(before, "deferred"), breaker(before, "consecutiveFailures"),
                breaker(before, "failureThreshold"), breaker(before, "coolDownMillis"),
                breaker(before, "maxPerSecond"), after.size(), maxInAnyWindow(after, SECOND),
                (settledAt - end) / 1_000_000,
                distinct, unsettled);
    }

    /** Deposits over REST, four clients at once, to the scenario's accounts. */
    private void deposit(int count) throws Exception {
        String run = Long.toHexString(demo.seed());
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                String account = String.format("acct-%02d", 1 + i % settings.accounts());
                String body = "{\"amount\":" + 100L * (10 + random.nextInt(491)) + "}";
                String key = "outage-" + run + "-" + i;
                answers.add(clients.submit(() -> service.post("accounts/" + account + "/deposits", body,
                        Map.of("Idempotency-Key", key)).status()));
            }
            for (Future<Integer> answer : answers) {
                int status = answer.get(120, TimeUnit.SECONDS);
                if (status != 201) {
                    out.println("[demo] Outage deposit answered " + status);
                }
            }
        } finally {
            clients.shutdown();
        }
    }

    private void awaitBreaker(String state) throws InterruptedException {
        long deadline = System.nanoTime() + settings.settleTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            JsonObject stats = service.getObject("stats");
            if (state.equals(stats.getJsonObject("ledgerBreaker").getString("state"))) {
                return;
            }
            Thread.sleep(250);
        }
    }

    private static long breaker(JsonObject stats, String field) {
        return Json.number(stats, -1, "ledgerBreaker", field);
    }

    /**
     * What is not settled yet in one {@code GET /api/stats} answer: settled means the inbox holds every posting
     * COMPLETED and nothing pending, AND the database holds one new ledger entry per posting (the entry and the
     * COMPLETED record commit together, but the endpoint reads the inbox and the table with separate statements,
     * so one answer may count a booking in one and not yet in the other). Empty when settled.
     */
    static String unsettled(JsonObject stats, long expectedCompleted, long entriesBefore, long distinctBefore,
            int postings) {
        List<String> missing = new ArrayList<>();
        long entries = Json.number(stats, 0, "database", "ledgerEntries") - entriesBefore;
        long distinct = Json.number(stats, 0, "database", "ledgerDistinctEvents") - distinctBefore;
        if (distinct != postings) {
            missing.add(distinct + " new ledger entries (expected " + postings + ")");
        }
        if (entries != distinct) {
            missing.add(entries + " ledger entries for " + distinct + " events");
        }
        long completed = Json.number(stats, 0, "inbox", "ledger", "statuses", "COMPLETED");
        if (completed != expectedCompleted) {
            missing.add("ledger COMPLETED " + completed + " (expected " + expectedCompleted + ")");
        }
        for (String pending : List.of("RECEIVED", "IN_PROGRESS", "FAILED")) {
            long n = Json.number(stats, 0, "inbox", "ledger", "statuses", pending);
            if (n != 0) {
                missing.add("ledger " + pending + " " + n);
            }
        }
        return String.join("; ", missing);
    }

    /** The most timestamps (nanoseconds) in any window [t, t + width) that starts at one of them. */
    static int maxInAnyWindow(List<Long> nanos, long width) {
        List<Long> times = new ArrayList<>(nanos);
        times.sort(null);
        int max = 0;
        int j = 0;
        for (int i = 0; i < times.size(); i++) {
            while (j < times.size() && times.get(j) < times.get(i) + width) {
                j++;
            }
            max = Math.max(max, j - i);
        }
        return max;
    }
}
