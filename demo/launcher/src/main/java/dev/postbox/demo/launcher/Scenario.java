package dev.postbox.demo.launcher;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * What a busy minute of the payments service looks like: customers deposit money over REST (and retry with the
 * same Idempotency-Key when an answer seems lost) while the gateway delivers card payments as webhooks,
 * repeated and out of order. Every credit is an outbox event; the relay sends it to Kafka; the consumer posts
 * it to the flaky ledger. Then the launcher reads the service's own account of what happened.
 */
final class Scenario {

    static final String FROZEN_ACCOUNT = "acct-frozen";
    static final String LARGE_DEPOSIT_ACCOUNT = "acct-01";
    static final long LARGE_DEPOSIT_CENTS = 1_500_000;

    private final Demo demo;
    private final DemoSettings settings;
    private final ServiceClient service;
    private final PrintStream out;
    private final Random random;

    Scenario(Demo demo) {
        this.demo = demo;
        this.settings = demo.settings();
        this.service = demo.service();
        this.out = demo.out();
        this.random = new Random(demo.seed());
    }

    ScenarioReport run() throws Exception {
        long t0 = System.nanoTime();
        List<String> accounts = openAccounts();
        if (settings.incidents()) {
            service.put("accounts/" + FROZEN_ACCOUNT, "{\"owner\":\"Frozen Customer\"}").expectOk();
            demo.ledger().freeze(FROZEN_ACCOUNT);
        }
        out.println("[demo] Scenario: " + settings.deposits() + " deposits (" + Math.min(settings.depositRetries(),
                settings.deposits()) + " retried by the client with the same Idempotency-Key) while the gateway delivers "
                + settings.payments() + " card payments as webhooks (+" + settings.duplicates() + " duplicates, out of"
                + " order, 4 at a time)" + (settings.incidents() ? "; incidents injected: the ledger rejects "
                + FROZEN_ACCOUNT + ", topic " + Demo.COMPLIANCE_TOPIC + " refuses messages" : ""));

        PaymentGateway gateway = new PaymentGateway(service, demo.webhookSecret(), new Random(random.nextLong()));
        CompletableFuture<PaymentGateway.Result> webhooks = CompletableFuture.supplyAsync(() -> {
            try {
                return gateway.run(accounts, settings.payments(), settings.duplicates(), settings.reorderSwaps());
            } catch (Exception e) {
                throw new IllegalStateException("the simulated gateway failed: " + e, e);
            }
        });
        Deposits deposits = deposit(accounts);
        PaymentGateway.Result gatewayResult = webhooks.join();
        List<String> allAccounts = new ArrayList<>(accounts);
        if (settings.incidents()) {
            allAccounts.add(FROZEN_ACCOUNT);
        }
        out.println("[demo] Clients done after " + Demo.seconds((System.nanoTime() - t0) / 1_000_000)
                + "; waiting for the relay, Kafka and the ledger retries to settle ...");

        Expected expected = expected(allAccounts, deposits, gatewayResult);
        JsonObject stats = awaitSettled(expected);
        long settledMillis = (System.nanoTime() - t0) / 1_000_000;

        JsonArray ledgerRecords = consoleRecords("ledger");
        JsonObject relay = demo.console().getObject("relay?limit=500");
        Map<String, Long> balances = new TreeMap<>();
        for (JsonValue v : service.getArray("accounts")) {
            JsonObject a = v.asJsonObject();
            balances.put(a.getString("id"), a.getJsonNumber("balance").longValue());
        }
        ScenarioReport report = ScenarioReport.of(settings, deposits, gatewayResult, expected, stats, ledgerRecords,
                relay, balances, demo.ledger().stats(), settledMillis, demo.elapsedMillis());
        if (!settings.outage().isZero() && settings.outagePostings() > 0) {
            report = report.withOutage(new Outage(demo, expected.ledgerCompleted()).run());
        }
        if (settings.incidents()) {
            fixIncidents(report);
        }
        return report;
    }

    /** Every inbox record of a scope, page by page through the console's keyset pagination. */
    private JsonArray consoleRecords(String scope) {
        jakarta.json.JsonArrayBuilder all = jakarta.json.Json.createArrayBuilder();
        String cursor = null;
        do {
            JsonObject page = demo.console().getObject("inbox?scope=" + scope + "&limit=500"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            page.getJsonArray("items").forEach(all::add);
            cursor = page.getString("nextCursor", null);
        } while (cursor != null);
        return all.build();
    }

    private List<String> openAccounts() {
        String[] owners = {"Ada", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John", "Margaret", "Ken",
            "Radia", "Alan", "Leslie"};
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= settings.accounts(); i++) {
            String id = String.format("acct-%02d", i);
            service.put("accounts/" + id, "{\"owner\":\"" + owners[(i - 1) % owners.length] + "\"}").expectOk();
            ids.add(id);
        }
        return ids;
    }

    /** Deposits made, and what the client saw. */
    record Deposits(Map<String, Long> amountByAccount, int requests, int created, int retries, int replayed,
            int mismatchedReplays, boolean largeMade, boolean frozenMade) {
    }

    private Deposits deposit(List<String> accounts) {
        Map<String, Long> amounts = new TreeMap<>();
        int requests = 0;
        int created = 0;
        int replayed = 0;
        int mismatched = 0;
        String run = Long.toHexString(demo.seed());
        List<String[]> plan = new ArrayList<>();
        for (int i = 1; i <= settings.deposits(); i++) {
            plan.add(new String[] {accounts.get(random.nextInt(accounts.size())),
                Long.toString(100L * (10 + random.nextInt(491))), "dep-" + run + "-" + i});
        }
        if (settings.incidents()) {
            plan.add(new String[] {LARGE_DEPOSIT_ACCOUNT, Long.toString(LARGE_DEPOSIT_CENTS), "dep-" + run + "-large"});
            plan.add(new String[] {FROZEN_ACCOUNT, "10000", "dep-" + run + "-frozen"});
        }
        for (int i = 0; i < plan.size(); i++) {
            String account = plan.get(i)[0];
            long amount = Long.parseLong(plan.get(i)[1]);
            String key = plan.get(i)[2];
            String body = "{\"amount\":" + amount + "}";
            ServiceClient.Answer first = service.post("accounts/" + account + "/deposits", body,
                    Map.of("Idempotency-Key", key));
            requests++;
            if (first.status() == 201) {
                created++;
                amounts.merge(account, amount, Long::sum);
            } else {
                out.println("[demo] Deposit " + key + " answered " + first.status() + ": " + first.body());
            }
            if (i < settings.depositRetries()) {
                // the client did not see the answer (say, a timeout) and sends the same request again
                ServiceClient.Answer retry = service.post("accounts/" + account + "/deposits", body,
                        Map.of("Idempotency-Key", key));
                requests++;
                if (retry.replayed()) {
                    replayed++;
                }
                if (retry.status() != first.status() || !retry.body().equals(first.body())) {
                    mismatched++;
                    out.println("[demo] Retry of deposit " + key + " got " + retry.status() + " " + retry.body()
                            + " instead of " + first.status() + " " + first.body());
                }
            }
        }
        return new Deposits(amounts, requests, created, Math.min(settings.depositRetries(), plan.size()), replayed,
                mismatched, settings.incidents(), settings.incidents());
    }

    /** What the service must end up with if every message is applied exactly once. */
    record Expected(int deposits, int payments, int outboxEvents, int ledgerCompleted, int ledgerDead,
            int parked, Map<String, Long> balances) {
    }

    private Expected expected(List<String> accounts, Deposits deposits, PaymentGateway.Result gateway) {
        int payments = gateway.payments().size();
        int large = deposits.largeMade() ? 1 : 0;
        int frozen = deposits.frozenMade() ? 1 : 0;
        Map<String, Long> balances = new TreeMap<>();
        accounts.forEach(a -> balances.put(a, 0L));
        deposits.amountByAccount().forEach((a, amount) -> balances.merge(a, amount, Long::sum));
        for (PaymentGateway.GatewayPayment p : gateway.payments()) {
            balances.merge(p.accountId(), p.amount(), Long::sum);
        }
        return new Expected(deposits.created(), payments, deposits.created() + payments + large,
                deposits.created() + payments - frozen, frozen, large, balances);
    }

    /** Polls GET /api/stats until the numbers match the expectation, or the settle timeout passes. */
    private JsonObject awaitSettled(Expected e) throws InterruptedException {
        long deadline = System.nanoTime() + settings.settleTimeout().toNanos();
        JsonObject stats = null;
        String missing = "";
        while (System.nanoTime() < deadline) {
            stats = service.getObject("stats");
            missing = ScenarioReport.unsettled(stats, e);
            if (missing.isEmpty()) {
                return stats;
            }
            Thread.sleep(500);
        }
        out.println("[demo] NOT SETTLED after " + settings.settleTimeout().toSeconds() + " s: " + missing);
        return stats;
    }

    /** Fixes the causes of the injected incidents; a person then presses Replay on the console. */
    private void fixIncidents(ScenarioReport report) throws Exception {
        demo.ledger().unfreeze(FROZEN_ACCOUNT);
        demo.fixComplianceTopic();
        out.println("[demo] Incidents: the ledger accepts " + FROZEN_ACCOUNT + " again and topic "
                + Demo.COMPLIANCE_TOPIC + " has its default max.message.bytes back. Press Replay on the DEAD inbox"
                + " record and the PARKED outbox event at " + demo.consoleUri() + " to finish them.");
    }
}
