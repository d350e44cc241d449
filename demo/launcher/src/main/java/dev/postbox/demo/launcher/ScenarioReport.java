package dev.postbox.demo.launcher;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of a scenario as the service itself reports it ({@code GET /api/stats}, {@code /postbox/api/...} of the console),
 * next to what the simulated clients sent. {@link #problems()} lists every difference from "each message applied
 * exactly once"; the console summary is {@link #lines()}.
 */
public record ScenarioReport(
        Scenario.Expected expected,
        Scenario.Deposits deposits,
        PaymentGateway.Result gateway,
        LedgerSimulator.Stats ledgerApi,
        // what the service says
        long webhookDeliveries, long webhooksApplied, long webhooksAbsorbed, long webhooks409, long webhooksFailed,
        long depositsStored, long screeningCalls, long depositScreenSteps, long paymentsStored, long outboxEvents, long ledgerEntries, long ledgerDistinctEvents,
        long recordsConsumed, long recordsRedelivered, long simulatedCrashes, long consumerErrors,
        Map<String, Long> ledgerStatuses, Map<Integer, Long> ledgerAttempts, long ledgerFailedAttempts,
        long ledgerRecordsThatFailed, long ledgerRecordsThatFailedThenCompleted, List<String> deadErrors,
        String relayState, long eventsRelayed, long relayRetries, long relayParkedRows, List<String> parkedErrors,
        Map<String, Long> balances,
        String unsettled, long settledMillis, long elapsedMillis,
        // the ledger outage phase after the scenario (null when it did not run)
        OutageReport outage) {

    static ScenarioReport of(DemoSettings settings, Scenario.Deposits deposits, PaymentGateway.Result gateway,
            Scenario.Expected expected, JsonObject stats, JsonArray ledgerRecords, JsonObject relay,
            Map<String, Long> balances, LedgerSimulator.Stats ledgerApi, long settledMillis, long elapsedMillis) {
        Map<Integer, Long> attempts = new TreeMap<>();
        Map<String, Long> statuses = new TreeMap<>();
        long failedAttempts = 0;
        long recordsThatFailed = 0;
        long failedThenCompleted = 0;
        List<String> deadErrors = new ArrayList<>();
        for (JsonValue v : ledgerRecords) {
            JsonObject r = v.asJsonObject();
            String status = r.getString("status");
            statuses.merge(status, 1L, Long::sum);
            attempts.merge(r.getInt("attempts"), 1L, Long::sum);
            long failures = r.getJsonArray("history").stream()
                    .filter(h -> h.asJsonObject().getString("outcome", "").equals("FAILED")).count();
            failedAttempts += failures;
            if (failures > 0) {
                recordsThatFailed++;
                if (status.equals("COMPLETED")) {
                    failedThenCompleted++;
                }
            }
            if (status.equals("DEAD")) {
                deadErrors.add(r.getString("key") + ": " + r.getString("lastError", ""));
            }
        }
        List<String> parkedErrors = new ArrayList<>();
        for (JsonValue v : relay.getJsonArray("parked")) {
            JsonObject p = v.asJsonObject();
            parkedErrors.add(p.getString("type") + " " + p.getString("eventId") + " (" + p.getString("status") + "): "
                    + (p.isNull("lastError") ? "" : p.getString("lastError")));
        }
        return new ScenarioReport(expected, deposits, gateway, ledgerApi,
                Json.number(stats, -1, "webhooks", "deliveries"), Json.number(stats, -1, "webhooks", "applied"),
                Json.number(stats, -1, "webhooks", "absorbed"), Json.number(stats, -1, "webhooks", "inProgress409"),
                Json.number(stats, -1, "webhooks", "failed"),
                Json.number(stats, -1, "database", "deposits"), Json.number(stats, -1, "screening", "calls"),
                Json.number(stats, -1, "database", "depositScreenSteps"),
                Json.number(stats, -1, "database", "payments"), Json.number(stats, -1, "database", "outboxEvents"), Json.number(stats, -1, "database", "ledgerEntries"),
                Json.number(stats, -1, "database", "ledgerDistinctEvents"),
                Json.number(stats, -1, "consumer", "recordsConsumed"),
                Json.number(stats, -1, "consumer", "recordsRedelivered"),
                Json.number(stats, -1, "consumer", "simulatedCrashes"),
                Json.number(stats, -1, "consumer", "handlerErrors"),
                statuses, attempts, failedAttempts, recordsThatFailed, failedThenCompleted, deadErrors,
                relay.getString("state"), relay.getJsonNumber("eventsRelayed").longValue(),
                relay.getJsonNumber("retries").longValue(), Json.number(stats, -1, "database", "relayParkedRows"),
                parkedErrors, balances, unsettled(stats, expected), settledMillis, elapsedMillis, null);
    }

    /** This report with the outage phase's. */
    ScenarioReport withOutage(OutageReport o) {
        return new ScenarioReport(expected, deposits, gateway, ledgerApi, webhookDeliveries, webhooksApplied,
                webhooksAbsorbed, webhooks409, webhooksFailed, depositsStored, screeningCalls, depositScreenSteps,
                paymentsStored, outboxEvents, ledgerEntries, ledgerDistinctEvents, recordsConsumed,
                recordsRedelivered, simulatedCrashes, consumerErrors, ledgerStatuses, ledgerAttempts,
                ledgerFailedAttempts, ledgerRecordsThatFailed, ledgerRecordsThatFailedThenCompleted, deadErrors,
                relayState, eventsRelayed, relayRetries, relayParkedRows, parkedErrors, balances, unsettled,
                settledMillis, elapsedMillis, o);
    }

    /** Empty when the service's numbers match the expectation; otherwise what does not match yet. */
    static String unsettled(JsonObject stats, Scenario.Expected e) {
        List<String> missing = new ArrayList<>();
        check(missing, "deposits", Json.number(stats, -1, "database", "deposits"), e.deposits());
        check(missing, "payments", Json.number(stats, -1, "database", "payments"), e.payments());
        check(missing, "outbox events", Json.number(stats, -1, "database", "outboxEvents"), e.outboxEvents());
        check(missing, "ledger entries", Json.number(stats, -1, "database", "ledgerEntries"), e.ledgerCompleted());
        check(missing, "ledger COMPLETED", Json.number(stats, 0, "inbox", "ledger", "statuses", "COMPLETED"),
                e.ledgerCompleted());
        check(missing, "ledger DEAD", Json.number(stats, 0, "inbox", "ledger", "statuses", "DEAD"), e.ledgerDead());
        for (String pending : List.of("RECEIVED", "IN_PROGRESS", "FAILED")) {
            check(missing, "ledger " + pending, Json.number(stats, 0, "inbox", "ledger", "statuses", pending), 0);
        }
        check(missing, "relay dead letters", Json.number(stats, -1, "database", "relayParkedRows"), e.parked());
        return String.join("; ", missing);
    }

    private static void check(List<String> missing, String what, long actual, long expected) {
        if (actual != expected) {
            missing.add(what + " " + actual + " (expected " + expected + ")");
        }
    }

    /** Every way the outcome differs from "each message applied exactly once, retries ended completed". */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (!unsettled.isEmpty()) {
            p.add("not settled: " + unsettled);
        }
        if (paymentsStored != expected.payments() || webhooksApplied != expected.payments()) {
            p.add("payments: " + paymentsStored + " stored and " + webhooksApplied + " applied for "
                    + expected.payments() + " sent");
        }
        if (webhooksFailed != 0 || gateway.failed() != 0) {
            p.add("webhook deliveries failed: " + webhooksFailed + " (service), " + gateway.failed()
                    + " (gateway), answers " + gateway.answers());
        }
        if (webhookDeliveries != gateway.requests()) {
            p.add("the service counted " + webhookDeliveries + " webhook requests, the gateway sent "
                    + gateway.requests());
        }
        if (deposits.replayed() != deposits.retries() || deposits.mismatchedReplays() != 0) {
            p.add("deposit retries: " + deposits.replayed() + " of " + deposits.retries() + " replayed, "
                    + deposits.mismatchedReplays() + " with another answer");
        }
        if (depositsStored != expected.deposits()) {
            p.add("deposits: " + depositsStored + " stored, " + expected.deposits() + " made");
        }
        if (screeningCalls != depositsStored || depositScreenSteps != depositsStored) {
            p.add("screening: " + screeningCalls + " calls and " + depositScreenSteps + " recorded steps for "
                    + depositsStored + " deposits (one each expected)");
        }
        if (ledgerEntries != ledgerDistinctEvents || ledgerEntries != expected.ledgerCompleted()) {
            p.add("ledger entries: " + ledgerEntries + " (" + ledgerDistinctEvents + " distinct events), expected "
                    + expected.ledgerCompleted());
        }
        if (!balances.equals(expected.balances())) {
            p.add("balances " + balances + " differ from deposits + payments " + expected.balances());
        }
        if (ledgerRecordsThatFailed != ledgerRecordsThatFailedThenCompleted) {
            p.add((ledgerRecordsThatFailed - ledgerRecordsThatFailedThenCompleted)
                    + " ledger record(s) failed and did not complete: " + deadErrors);
        }
        if (consumerErrors != 0) {
            p.add(consumerErrors + " unexpected consumer error(s): see the Payara log");
        }
        if (outage != null) {
            p.addAll(outage.problems());
        }
        return p;
    }

    public List<String> lines() {
        List<String> l = new ArrayList<>();
        l.add("===== What the service reports (GET /api/stats, /postbox/api/inbox, /postbox/api/relay) =====");
        l.add(String.format("Deposits   %d deposit requests over REST, %d of them sent twice by the client with the"
                + " same Idempotency-Key -> %d deposits stored; the %d retries got the stored 201 and body back"
                + " (Idempotent-Replayed: true)", deposits.requests() - deposits.retries(), deposits.retries(),
                depositsStored, deposits.replayed()));
        l.add(String.format("Steps      each deposit screened its funds with the outside screening API as a recorded"
                + " step (Steps.run, committed on its own): %d screening calls and %d stored step results for %d"
                + " deposits; a retry of a deposit resumes after the step instead of opening a second case",
                screeningCalls, depositScreenSteps, depositsStored));
        l.add(String.format("Webhooks   gateway sent %d deliveries for %d payments (%d duplicates, %d reordered%s)"
                + " -> %d applied, %d absorbed by the inbox%s", gateway.deliveries(), gateway.payments().size(),
                gateway.duplicates(), gateway.reordered(),
                gateway.resentAfter409() > 0 ? ", " + gateway.resentAfter409()
                        + " re-sent after 409 while the first copy was being applied" : "",
                webhooksApplied, webhooksAbsorbed, webhooks409 > 0 ? ", " + webhooks409 + " answered 409" : ""));
        l.add(String.format("Outbox     %d events committed with their business rows; relay %s: %d sent to Kafka, %d"
                + " send retries, %d in the dead-letter table", outboxEvents, relayState, eventsRelayed, relayRetries,
                relayParkedRows));
        parkedErrors.forEach(e -> l.add("             parked: " + abbreviate(e)));
        l.add(String.format("Kafka      consumer read %d records, %d of them again after %d simulated crashes before"
                + " commit -> %d ledger postings, one per event", recordsConsumed, recordsRedelivered, simulatedCrashes,
                ledgerEntries));
        StringBuilder hist = new StringBuilder();
        ledgerAttempts.forEach((n, count) -> hist.append(' ').append(count).append('x').append(n));
        l.add(String.format("Ledger     the ledger API failed %d times (%d x 503, %d answers too late for the 3 s"
                + " timeout); %d events needed retries, %d of them completed; attempts per event:%s -> %s",
                ledgerFailedAttempts, ledgerApi.unavailable(), ledgerApi.tooLate(), ledgerRecordsThatFailed,
                ledgerRecordsThatFailedThenCompleted, hist, ledgerStatuses));
        deadErrors.forEach(e -> l.add("             dead: " + abbreviate(e)));
        l.add(String.format("           the ledger's side: %d calls, %d postings, %d calls answered with an existing"
                + " posting (idempotent), %d rejected", ledgerApi.calls(), ledgerApi.postings(), ledgerApi.replayed(),
                ledgerApi.rejected()));
        long total = balances.values().stream().mapToLong(Long::longValue).sum();
        l.add(String.format("Balances   %d accounts, total %,.2f: %s", balances.size(), total / 100.0,
                balances.equals(expected.balances()) ? "each equals its deposits + payments, every message applied"
                        + " exactly once" : "DIFFERENT from deposits + payments: " + expected.balances()));
        l.add(String.format("Timing     settled %s after the scenario started, %s after launch", Demo.seconds(
                settledMillis), Demo.seconds(elapsedMillis)));
        if (outage != null) {
            l.addAll(outage.lines());
        }
        List<String> problems = problems();
        if (problems.isEmpty()) {
            l.add("Checks     all passed");
        } else {
            problems.forEach(p -> l.add("PROBLEM    " + p));
        }
        return l;
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 220 ? one.substring(0, 220) + "..." : one;
    }
}
