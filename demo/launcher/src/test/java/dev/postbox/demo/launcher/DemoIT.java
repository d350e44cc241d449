package dev.postbox.demo.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postbox.testkit.ListeningSockets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.htmlunit.BrowserVersion;
import org.htmlunit.DefaultCredentialsProvider;
import org.htmlunit.WebClient;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.HtmlCheckBoxInput;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.html.HtmlSelect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Starts the demo the way {@code mvn -Pdemo ...} does ({@link Demo#start} is what {@link DemoLauncher} calls:
 * embedded PostgreSQL (MariaDB with -Pdemo-mariadb) and Kafka here, the server of {@code demo.server} with the built payments.war as a child
 * process: Payara Micro in the default run, WildFly with -Pdemo-wildfly, Open Liberty with -Pdemo-liberty), runs the
 * scenario with a fixed seed, checks what the service reports, then drives the console page in HtmlUnit (which runs
 * the page's JavaScript; no browser needs to be installed) to replay the injected dead inbox record and parked
 * relay event.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoIT {

    private static Demo demo;
    private static ScenarioReport report;

    @BeforeAll
    static void startDemoAndRunScenario() throws Exception {
        Properties p = new Properties();
        // the server and database of this run (the failsafe execution sets demo.server, demo.db) and where the build
        // put the server
        for (String key : List.of("demo.server", "demo.db", "demo.payara-jar", "demo.wildfly-home",
                "demo.liberty-home")) {
            if (System.getProperty(key) != null) {
                p.setProperty(key, System.getProperty(key));
            }
        }
        p.putAll(Map.of(
                "demo.war", System.getProperty("demo.war"),
                "demo.work-dir", System.getProperty("demo.work-dir", "target/demo-it"),
                "demo.http-port", "0",
                "demo.seed", "20251125",
                "demo.incidents", "true"));
        demo = Demo.start(DemoSettings.from(p), System.out);
        report = demo.runScenario();
        report.lines().forEach(line -> System.out.println("[demo] " + line));
    }

    @AfterAll
    static void stopDemo() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    @Order(1)
    void everyPaymentAndDepositIsAppliedOnceAndLedgerFailuresAreRetriedToCompletion() {
        assertThat(report.problems()).isEmpty();
        Scenario.Expected expected = report.expected();

        // webhooks: 25 payments, 15 duplicate deliveries; each payment applied once, every duplicate absorbed
        assertThat(report.paymentsStored()).isEqualTo(25);
        assertThat(report.webhooksApplied()).isEqualTo(25);
        assertThat(report.gateway().duplicates()).isEqualTo(15);
        assertThat(report.webhooksAbsorbed() + report.webhooks409())
                .isEqualTo(report.gateway().duplicates() + report.gateway().resentAfter409());
        assertThat(report.webhooksAbsorbed()).isPositive();

        // deposits: client retries with the same Idempotency-Key got the stored answer, nothing booked twice
        assertThat(report.deposits().replayed()).isEqualTo(report.deposits().retries()).isPositive();
        assertThat(report.depositsStored()).isEqualTo(expected.deposits());
        assertThat(report.balances()).isEqualTo(expected.balances());

        // Kafka redelivered records; the ledger got one posting per event
        assertThat(report.recordsRedelivered()).isPositive();
        assertThat(report.ledgerEntries()).isEqualTo(report.ledgerDistinctEvents()).isEqualTo(expected.ledgerCompleted());

        // the ledger API failed, the inbox retried, every retried record completed; only the injected one is dead
        assertThat(report.ledgerFailedAttempts()).isPositive();
        assertThat(report.ledgerRecordsThatFailed()).isPositive()
                .isEqualTo(report.ledgerRecordsThatFailedThenCompleted());
        assertThat(report.ledgerAttempts().keySet()).anyMatch(attempts -> attempts > 1);
        assertThat(report.ledgerStatuses()).containsOnly(Map.entry("COMPLETED", (long) expected.ledgerCompleted()),
                Map.entry("DEAD", 1L));
        assertThat(report.deadErrors()).singleElement().asString().contains("403").contains(Scenario.FROZEN_ACCOUNT);

        // the relay parked exactly the event the misconfigured topic refused
        assertThat(report.relayParkedRows()).isEqualTo(1);
        assertThat(report.parkedErrors()).singleElement().asString().contains("LargeDepositReported")
                .contains("RecordTooLarge");
    }

    @Test
    @Order(2)
    void auditPageReplaysTheDeadInboxRecordAndTheParkedRelayEvent() throws Exception {
        // the console (postbox-console) answers only the operator: anonymous 401, a wrong password 401
        assertThat(ServiceClientProbe.status(demo.consoleUri().resolve("api/summary"), null)).isEqualTo(401);
        assertThat(ServiceClientProbe.status(demo.consoleUri().resolve("api/summary"), demo.consoleUser() + ":nope"))
                .isEqualTo(401);
        assertThat(ServiceClientProbe.status(demo.consoleUri().resolve("api/summary"), demo.consoleUser() + ":"
                + demo.consolePassword())).isEqualTo(200);
        long ledgerEntriesBefore = demo.database().queryLong("select count(*) from ledger_entry");
        try (WebClient browser = new WebClient(BrowserVersion.FIREFOX)) {
            browser.getOptions().setThrowExceptionOnScriptError(true);
            browser.getOptions().setThrowExceptionOnFailingStatusCode(true);
            browser.getOptions().setCssEnabled(false);
            ((DefaultCredentialsProvider) browser.getCredentialsProvider()).addCredentials(demo.consoleUser(),
                    demo.consolePassword().toCharArray());
            HtmlPage page = browser.getPage(demo.consoleUri().toURL());
            settle(browser);
            // the test refreshes by itself: no timer firing under its feet
            HtmlCheckBoxInput autoRefresh = page.getHtmlElementById("auto-refresh");
            autoRefresh.click();
            settle(browser);
            assertThat(page.getElementById("relay-state").getTextContent()).isEqualTo("ACTIVE");

            // inbox: show only DEAD records, replay the ledger posting of the frozen account
            HtmlSelect inboxStatus = page.getHtmlElementById("inbox-status");
            inboxStatus.setSelectedAttribute("DEAD", true);
            settle(browser);
            DomElement dead = page.querySelector("#inbox-table tbody tr[data-status=DEAD]");
            assertThat(dead).as("a DEAD row on the audit page").isNotNull();
            assertThat(dead.getAttribute("data-scope")).isEqualTo("ledger");
            assertThat(dead.getTextContent()).contains("403").contains(Scenario.FROZEN_ACCOUNT);
            String deadId = dead.getAttribute("data-id");
            ((DomElement) dead.querySelector("button.replay")).click();
            settle(browser);
            assertThat(page.getElementById("message").getTextContent()).contains("Replay requested");

            inboxStatus.setSelectedAttribute("", true);
            awaitOnPage(browser, page, "inbox record " + deadId + " COMPLETED after Replay",
                    () -> "COMPLETED".equals(rowStatus(page, "#inbox-table", deadId)));

            // outbox: the parked event of the misconfigured topic, replayed after the topic was fixed
            HtmlSelect outboxStatus = page.getHtmlElementById("outbox-status");
            outboxStatus.setSelectedAttribute("PARKED", true);
            settle(browser);
            DomElement parked = page.querySelector("#outbox-table tbody tr[data-status=PARKED]");
            assertThat(parked).as("a PARKED row on the audit page").isNotNull();
            assertThat(parked.getAttribute("data-type")).isEqualTo("LargeDepositReported");
            assertThat(parked.getTextContent()).contains("RecordTooLarge");
            String parkedId = parked.getAttribute("data-id");
            ((DomElement) parked.querySelector("button.replay")).click();
            settle(browser);
            assertThat(page.getElementById("message").getTextContent()).contains("Replay requested");

            outboxStatus.setSelectedAttribute("", true);
            awaitOnPage(browser, page, "parked event " + parkedId + " DELIVERED after Replay",
                    () -> "DELIVERED".equals(rowStatus(page, "#outbox-table", parkedId)));
            assertThat(page.getElementById("sum-attention").getTextContent()).isEqualTo("0 / 0");
        }
        // what the replays did to the business state: one more ledger posting, one compliance report
        assertThat(demo.database().queryLong("select count(*) from ledger_entry")).isEqualTo(ledgerEntriesBefore + 1);
        assertThat(demo.database().queryLong("select count(*) from ledger_entry where account_id = '"
                + Scenario.FROZEN_ACCOUNT + "'")).isEqualTo(1);
        assertThat(demo.database().queryLong("select count(*) from compliance_report")).isEqualTo(1);
        assertThat(demo.database().queryLong("select count(*) from postbox_relay_parked")).isZero();
    }

    // ---------------------------------------------------------------- bad input, met like a real service

    @Test
    @Order(3)
    void aMalformedOrWronglyTypedBodyIs400NamingTheField() throws Exception {
        String account = openAccount("acct-bad-body");
        for (String body : new String[] {"{\"amount\": \"abc\"}", "{\"amount\": true}", "{\"amount\": [1,2]}"}) {
            HttpResponse<String> r = deposit(account, "bad-body-" + body.hashCode(), body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertProblem(r, body).contains("\"field\":\"amount\"");
        }
        for (String body : new String[] {"{\"amount\": 12", "\"abc\"", "true", "[1,2]"}) {
            HttpResponse<String> r = deposit(account, "bad-doc-" + body.hashCode(), body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertProblem(r, body).contains("Invalid request body");
        }
        assertThat(balance(account)).isZero();
    }

    @Test
    @Order(4)
    void anAmountThatWouldWrapOrBeTruncatedIs400AndStatsStayUp() throws Exception {
        String account = openAccount("acct-overflow");
        HttpResponse<String> huge = deposit(account, "overflow-1", "{\"amount\": 9223372036854775807}");
        assertThat(huge.statusCode()).isEqualTo(400);
        assertProblem(huge, "huge").contains("at most");
        HttpResponse<String> fraction = deposit(account, "fraction-1", "{\"amount\": 1.5}");
        assertThat(fraction.statusCode()).isEqualTo(400);
        assertProblem(fraction, "1.5").contains("whole number of cents");
        assertThat(deposit(account, "one-1", "{\"amount\": 1}").statusCode()).isEqualTo(201);
        assertThat(balance(account)).isEqualTo(1);
        HttpResponse<String> stats = send(HttpRequest.newBuilder(demo.baseUri().resolve("api/stats")).GET());
        assertThat(stats.statusCode()).as(stats.body()).isEqualTo(200);
    }

    @Test
    @Order(5)
    void theApplicationsOwnClientErrorsAreProblemJsonStoredAndReplayedThatWay() throws Exception {
        String account = openAccount("acct-own-4xx");
        HttpResponse<String> negative = deposit(account, "negative-1", "{\"amount\": -5}");
        HttpResponse<String> negativeAgain = deposit(account, "negative-1", "{\"amount\": -5}");
        assertThat(negative.statusCode()).isEqualTo(400);
        assertProblem(negative, "negative").contains("must be positive, was -5");
        assertThat(negativeAgain.statusCode()).isEqualTo(400);
        assertThat(negativeAgain.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(negativeAgain.body()).isEqualTo(negative.body());
        assertProblem(negativeAgain, "replayed negative");

        HttpResponse<String> unknown = deposit("acct-nobody", "unknown-1", "{\"amount\": 5}");
        HttpResponse<String> unknownAgain = deposit("acct-nobody", "unknown-1", "{\"amount\": 5}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertProblem(unknown, "unknown account").contains("no account acct-nobody");
        assertThat(unknownAgain.statusCode()).isEqualTo(404);
        assertThat(unknownAgain.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(unknownAgain.body()).isEqualTo(unknown.body());
    }

    @Test
    @Order(6)
    void anAccountIdLongerThanTheColumnIs400NamingTheLimitWithoutAFailedInsert() throws Exception {
        String id = "x".repeat(65);
        HttpResponse<String> put = send(HttpRequest.newBuilder(demo.baseUri().resolve("api/accounts/" + id))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"owner\": \"Long Id\"}")));
        assertThat(put.statusCode()).isEqualTo(400);
        assertProblem(put, "65 characters").contains("1 to 64 characters, was 65");
        assertThat(demo.database().queryLong("select count(*) from account where length(id) > 64")).isZero();
        Path log = demo.serverLog();
        assertThat(Files.readString(log)).as("no failed insert in the server log").doesNotContain(id)
                .doesNotContain("value too long");
    }

    @Test
    @Order(7)
    void everythingTheDemoStartsListensOnLoopbackOnly() throws Exception {
        assumeTrue(ListeningSockets.supported(), "needs Linux's /proc to list the listening sockets");
        List<ListeningSockets.Listener> listeners = new ArrayList<>(ListeningSockets.ofThisProcess()); // Kafka, ledger
        ProcessHandle.current().descendants().forEach(p -> listeners.addAll(ListeningSockets.of(p.pid()))); // Payara
        int dbPort = Integer.parseInt(demo.database().jdbcUrl().replaceAll(".*:(\\d+)/.*", "$1"));
        List<ListeningSockets.Listener> database = ListeningSockets.onPort(dbPort);
        assertThat(database).as("the database listens on " + dbPort).isNotEmpty();
        listeners.addAll(database);
        assertThat(listeners).as("the launcher's, Payara's and the database's listening sockets")
                .hasSizeGreaterThanOrEqualTo(4) // Kafka broker and controller, the ledger simulator, Payara's HTTP
                .allSatisfy(l -> assertThat(l.loopback()).as(l + " listens on loopback only").isTrue());
    }

    private String openAccount(String id) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(demo.baseUri().resolve("api/accounts/" + id))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"owner\": \"Bad Input\"}")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return id;
    }

    private long balance(String account) {
        return demo.database().queryLong("select balance from account where id = '" + account + "'");
    }

    private HttpResponse<String> deposit(String account, String key, String body) throws Exception {
        return send(HttpRequest.newBuilder(demo.baseUri().resolve("api/accounts/" + account + "/deposits"))
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static org.assertj.core.api.AbstractStringAssert<?> assertProblem(HttpResponse<String> r, String what) {
        assertThat(r.headers().firstValue("Content-Type")).as(what + ": " + r.body())
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        return assertThat(r.body()).as(what).contains("\"status\":" + r.statusCode());
    }

    @Test
    @Order(8)
    void duringTheLedgerOutageOnlyProbesReachTheLedgerAndTheBacklogDrainsWithinTheRateLimit() {
        OutageReport outage = report.outage();
        assertThat(outage).as("the outage phase ran").isNotNull();
        assertThat(outage.problems()).isEmpty();
        // the demo's configuration (payments' microprofile-config.properties)
        assertThat(outage.failureThreshold()).isEqualTo(5);
        assertThat(outage.coolDownMillis()).isEqualTo(5_000);
        assertThat(outage.maxPerSecond()).isEqualTo(5);

        // 30 s down: after the failures that opened the scope, only probes, at most one per cool-down
        assertThat(outage.outageMillis()).isGreaterThanOrEqualTo(30_000);
        assertThat(outage.probesDuringOutage()).isPositive().isLessThanOrEqualTo(outage.maxProbes());
        assertThat(outage.maxProbes()).isEqualTo((outage.outageMillis() + 4_999) / 5_000 + 1);
        assertThat(outage.callsDuringOutage())
                .isEqualTo(outage.callsThatOpened() + outage.probesDuringOutage())
                .isLessThanOrEqualTo(5 + 1 + outage.maxProbes());
        // the failures in a row that opened it (5, less any counted before; one more may have been in flight on
        // the scheduler's thread while the Kafka consumer's call reached the count)
        assertThat(outage.callsThatOpened()).isBetween(outage.failuresToOpen(), outage.failuresToOpen() + 1);
        // each failed probe opened the scope again (the last may still be running at the end of the outage);
        // the deliveries of the outage waited without a call
        assertThat(outage.opensDuringOutage()).isBetween(outage.probesDuringOutage(),
                1 + outage.probesDuringOutage());
        assertThat(outage.deferredDuringOutage()).isGreaterThanOrEqualTo(100);

        // after the recovery: every posting booked once, never more than 5 calls in any one second
        assertThat(outage.postingsBooked()).isEqualTo(outage.postings()).isEqualTo(150);
        assertThat(outage.callsAfterRecovery()).isGreaterThanOrEqualTo(outage.postings());
        assertThat(outage.peakPerSecondAfterRecovery()).isPositive().isLessThanOrEqualTo(5);
    }

    /** Waits for the page's pending XMLHttpRequests (the page's own timer is switched off by then). */
    private static void settle(WebClient browser) {
        browser.waitForBackgroundJavaScript(10_000);
    }

    private static String rowStatus(HtmlPage page, String table, String id) {
        DomElement row = page.querySelector(table + " tbody tr[data-id='" + id + "']");
        return row == null ? null : row.getAttribute("data-status");
    }

    /** Presses the page's Refresh button until the condition holds (the scheduler and relay work asynchronously). */
    private static void awaitOnPage(WebClient browser, HtmlPage page, String what, Supplier<Boolean> condition)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            ((DomElement) page.getElementById("refresh")).click();
            settle(browser);
            if (condition.get()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not seen on the audit page within 60 s: " + what + "\n"
                        + page.asNormalizedText());
            }
            Thread.sleep(500);
        }
    }
}
