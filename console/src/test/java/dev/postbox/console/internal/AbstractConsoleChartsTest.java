package dev.postbox.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.common.internal.config.ConfigSource;
import dev.postbox.inbox.Inbox;
import dev.postbox.inbox.internal.InboxConfig;
import dev.postbox.inbox.internal.InboxRuntime;
import dev.postbox.inbox.internal.JtaTransactions;
import dev.postbox.inbox.internal.metrics.InboxCounters;
import dev.postbox.relay.OutboxRelay;
import dev.postbox.relay.ParkedEvent;
import dev.postbox.relay.ParkedEvents;
import dev.postbox.relay.RelaySample;
import dev.postbox.relay.RelayStatus;
import dev.postbox.testkit.TestDatabase;
import dev.postbox.testkit.jta.LocalJta;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.htmlunit.BrowserVersion;
import org.htmlunit.WebClient;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.DomNode;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The console's charts: the inbox's last hour per scope after known deliveries through the real inbox, the relay's
 * samples, both behind the role, and the page drawing them with every name as text. {@link ConsoleChartsTest}
 * runs it on PostgreSQL, {@link ConsoleChartsOnMariaDbTest} on MariaDB.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractConsoleChartsTest {

    static final String SCRIPT_SCOPE = "<script>alert(1)</script>";
    /** Markup the inbox accepts as a scope name (it has no {@code <...>} pair, see the setup). */
    static final String IMG_SCOPE = "x\"><img src=x onerror=alert(2)";
    private static final String ROLE = "postbox-admin";

    private InboxRuntime runtime;
    private ServletHarness harness;
    private static final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final List<RelaySample> samples = new ArrayList<>();

    /** A fresh database with the shipped outbox, inbox (every script) and relay tables. */
    abstract TestDatabase createDatabase(String prefix);

    /** The caption of the relay's lag chart on this database. */
    abstract String lagCaption();

    @BeforeAll
    void start() throws Exception {
        TestDatabase db = createDatabase("charts");
        LocalJta jta = new LocalJta(db.dataSource());
        Map<String, String> config = Map.of(InboxConfig.CLAIM_FIRST_DELIVERIES_AFTER_START.name(), "0s",
                InboxConfig.INITIAL_DELAY.name(), "1ms", InboxConfig.JITTER.name(), "0");
        runtime = InboxRuntime.builder().dataSource(jta.dataSource()).transactions(new JtaTransactions(jta))
                .config(InboxConfig.from(k -> Optional.ofNullable(config.get(k)))).build();
        Inbox inbox = runtime.inbox();
        for (String scope : List.of("ledger", IMG_SCOPE)) {
            inbox.register(scope, payload -> {
                if (failing.remove(payload)) {
                    throw new IllegalStateException("the ledger is down");
                }
                return "ok";
            });
        }
        // ledger: 5 first deliveries (a, b, c, f, g), 2 duplicates, 3 failures (f once, g twice), 2 retries (f, g)
        process(inbox, "ledger", "a", "{\"n\":1}");
        process(inbox, "ledger", "b", "{\"n\":2}");
        process(inbox, "ledger", "c", "{\"n\":3}");
        process(inbox, "ledger", "a", "{\"n\":1}");
        process(inbox, "ledger", "a", "{\"n\":1}");
        failing.add("{\"n\":6}");
        process(inbox, "ledger", "f", "{\"n\":6}");
        Thread.sleep(50); // past the 1 ms retry delay
        process(inbox, "ledger", "f", "{\"n\":6}");
        failing.add("{\"n\":7}");
        process(inbox, "ledger", "g", "{\"n\":7}");
        Thread.sleep(50);
        failing.add("{\"n\":7}");
        process(inbox, "ledger", "g", "{\"n\":7}");
        // a scope named like markup: 1 delivery, 1 duplicate
        process(inbox, IMG_SCOPE, "x", "{\"n\":1}");
        process(inbox, IMG_SCOPE, "x", "{\"n\":1}");
        // The inbox refuses a scope containing <...> today (its per-scope configuration lookup takes the name for a
        // key template), so <script>alert(1)</script> is counted the way the inbox counts (Deliveries ->
        // InboxCounters): 1 delivery, 1 duplicate.
        runtime.counters().scope(SCRIPT_SCOPE).count(InboxCounters.Count.FIRST_DELIVERY);
        runtime.counters().scope(SCRIPT_SCOPE).count(InboxCounters.Count.DUPLICATE);

        Instant t = Instant.now().minusSeconds(30);
        samples.add(new RelaySample(t, Duration.ofSeconds(10), 20, 4096));
        samples.add(new RelaySample(t.plusSeconds(10), Duration.ofSeconds(10), 50, 8192));
        samples.add(new RelaySample(t.plusSeconds(20), Duration.ofSeconds(10), 0, -1));

        ConsoleConfig consoleConfig = ConsoleConfig.from(ConfigSource.of("test", Map.of()));
        ConsoleQueries queries = new ConsoleQueries(db.dataSource(), "postbox_inbox", "outbox_event",
                "postbox_relay_parked", List.of());
        harness = new ServletHarness(new ConsoleServlet(consoleConfig, queries, runtime::counters,
                () -> Optional.of(RelayAccess.Relay.of(new FakeRelay()))));
        harness.signIn("admin", Set.of(ROLE));
    }

    @AfterAll
    void stop() {
        if (harness != null) {
            harness.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    private static void process(Inbox inbox, String scope, String key, String payload) {
        try {
            inbox.process(scope, key, payload, String.class);
        } catch (RuntimeException e) {
            // a failed attempt: counted, and retried by the next delivery
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(harness.base().resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }

    private static long sum(JsonArray values) {
        return values.getValuesAs(jakarta.json.JsonNumber.class).stream().mapToLong(jakarta.json.JsonNumber::longValue)
                .sum();
    }

    private static JsonObject scope(JsonObject activity, String name) {
        return activity.getJsonArray("scopes").getValuesAs(JsonObject.class).stream()
                .filter(s -> s.getString("name").equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theActivityEndpointCountsEachScopesLastHourPerMinute() throws Exception {
        HttpResponse<String> r = get("postbox/api/activity");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject activity = json(r.body());
        assertThat(activity.getInt("minutes")).isEqualTo(60);
        assertThat(activity.getString("scope")).contains("this instance");
        JsonObject ledger = scope(activity, "ledger");
        assertThat(ledger.getJsonArray("deliveries")).hasSize(60);
        assertThat(sum(ledger.getJsonArray("deliveries"))).isEqualTo(5);
        assertThat(sum(ledger.getJsonArray("duplicates"))).isEqualTo(2);
        assertThat(sum(ledger.getJsonArray("failures"))).isEqualTo(3);
        assertThat(sum(ledger.getJsonArray("retries"))).isEqualTo(2);
        assertThat(sum(ledger.getJsonArray("inProgress"))).isZero();
        JsonObject script = scope(activity, SCRIPT_SCOPE);
        assertThat(sum(script.getJsonArray("deliveries"))).isEqualTo(1);
        assertThat(sum(script.getJsonArray("duplicates"))).isEqualTo(1);
        JsonObject img = scope(activity, IMG_SCOPE);
        assertThat(sum(img.getJsonArray("deliveries"))).isEqualTo(1);
        assertThat(sum(img.getJsonArray("duplicates"))).isEqualTo(1);
        // the figures agree with the instance's totals (the metrics' gauges)
        assertThat(runtime.counters().scope("ledger").firstDeliveries()).isEqualTo(5);
        assertThat(r.headers().firstValue("Content-Security-Policy")).hasValue(ConsoleServlet.CSP);
    }

    @Test
    void theRelayHistoryEndpointGivesTheSamples() throws Exception {
        HttpResponse<String> r = get("postbox/api/relay/history");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonObject history = json(r.body());
        assertThat(history.getString("state")).isEqualTo("ACTIVE");
        List<JsonObject> s = history.getJsonArray("samples").getValuesAs(JsonObject.class);
        assertThat(s).extracting(o -> o.getJsonNumber("eventsRelayed").longValue()).containsExactly(20L, 50L, 0L);
        assertThat(s).extracting(o -> o.getJsonNumber("slotLagBytes").longValue()).containsExactly(4096L, 8192L, -1L);
        assertThat(s.get(0).getJsonNumber("periodMillis").longValue()).isEqualTo(10_000);
        assertThat(get("postbox/api/relay/history?limit=5").statusCode()).as("no parameters").isEqualTo(400);
    }

    @Test
    void theSeriesNeedTheRoleLikeEveryOtherResource() throws Exception {
        try {
            for (String path : List.of("postbox/api/activity", "postbox/api/relay/history")) {
                harness.signIn(null, Set.of());
                HttpResponse<String> anonymous = get(path);
                assertThat(anonymous.statusCode()).as("anonymous " + path).isEqualTo(401);
                assertThat(anonymous.body()).doesNotContain("ledger");
                harness.signIn("clerk", Set.of("clerk"));
                HttpResponse<String> clerk = get(path);
                assertThat(clerk.statusCode()).as("without the role " + path).isEqualTo(403);
                assertThat(clerk.body()).doesNotContain("ledger").doesNotContain("eventsRelayed");
            }
        } finally {
            harness.signIn("admin", Set.of(ROLE));
        }
    }

    @Test
    void thePageDrawsTheChartsWithTheNumbersInWordsAndScopeNamesAsText() throws Exception {
        harness.signIn("admin", Set.of(ROLE));
        try (WebClient browser = new WebClient(BrowserVersion.FIREFOX)) {
            browser.getOptions().setThrowExceptionOnScriptError(true);
            browser.getOptions().setCssEnabled(false);
            List<String> alerts = new ArrayList<>();
            browser.setAlertHandler((page, message) -> alerts.add(message));
            HtmlPage page = browser.getPage(new URL(harness.base().toURL(), "postbox/"));
            browser.waitForBackgroundJavaScript(10_000);
            assertThat(page.getBody().getAttribute("data-charts")).as(page.asNormalizedText()).isEqualTo("true");

            DomElement scriptRow = row(page, SCRIPT_SCOPE);
            assertThat(scriptRow.getFirstElementChild().getTextContent()).isEqualTo(SCRIPT_SCOPE);
            assertThat(page.querySelectorAll("#activity-table script")).as("no markup from scope names").isEmpty();
            assertThat(alerts).isEmpty();
            assertThat(label(scriptRow, "duplicates")).startsWith(SCRIPT_SCOPE + " duplicates per minute")
                    .contains(": 1 in all");

            DomElement imgRow = row(page, IMG_SCOPE);
            assertThat(imgRow.getFirstElementChild().getTextContent()).isEqualTo(IMG_SCOPE);
            assertThat(label(imgRow, "deliveries")).startsWith(IMG_SCOPE + " deliveries").contains(": 1 in all");
            assertThat(page.querySelectorAll("#activity-table img, #activity-table script")).isEmpty();

            DomElement ledger = row(page, "ledger");
            assertThat(label(ledger, "deliveries")).contains("last 60 minutes: 5 in all");
            assertThat(label(ledger, "duplicates")).contains(": 2 in all");
            assertThat(label(ledger, "retries")).contains(": 2 in all");
            assertThat(label(ledger, "failures")).contains(": 3 in all");
            assertThat(ledger.querySelectorAll("svg[data-series='deliveries'] rect")).isNotEmpty();
            assertThat(page.getElementById("activity-note").getTextContent()).contains("this instance");

            DomElement throughput = (DomElement) page.getElementById("relay-throughput").getFirstElementChild();
            assertThat(throughput.getAttribute("aria-label")).contains("70 events relayed")
                    .contains("at most 5 per second");
            DomElement lag = (DomElement) page.getElementById("relay-lag").getFirstElementChild();
            assertThat(lag.getAttribute("aria-label")).contains("at most 8192 bytes");
            assertThat(lag.querySelectorAll("polyline")).isNotEmpty();
            // PostgreSQL's relay lag is the WAL its slot retains; MariaDB has no slot: the binlog after the position
            assertThat(page.getElementById("relay-lag-caption").getTextContent()).isEqualTo(lagCaption());
            assertThat(lag.getAttribute("aria-label")).startsWith(lagCaption().replace(" (bytes)", "")
                    .toLowerCase(java.util.Locale.ROOT) + ", last hour");
            assertThat(page.getElementById("relay-detail").getTextContent())
                    .contains(lagCaption().replace(" (bytes)", "").toLowerCase(java.util.Locale.ROOT) + " 8192 bytes");
            assertThat(page.getElementById("relay-throughput").getTextContent()).contains("70 events relayed");
        }
    }

    private static DomElement row(HtmlPage page, String scope) {
        for (DomNode node : page.querySelectorAll("#activity-table tbody tr")) {
            DomElement tr = (DomElement) node;
            if (scope.equals(tr.getAttribute("data-scope"))) {
                return tr;
            }
        }
        throw new AssertionError("no chart row for scope " + scope + "\n" + page.asNormalizedText());
    }

    /** The words of a chart: its aria-label, also its title. */
    private static String label(DomElement row, String series) {
        DomElement svg = (DomElement) row.querySelector("svg[data-series='" + series + "']");
        assertThat(svg).as(series).isNotNull();
        String label = svg.getAttribute("aria-label");
        assertThat(svg.querySelector("title").getTextContent()).isEqualTo(label);
        return label;
    }

    /** A relay that answers with the test's samples. */
    private final class FakeRelay implements OutboxRelay {
        @Override
        public void start() {
        }

        @Override
        public void stop() {
        }

        @Override
        public RelayStatus status() {
            return new RelayStatus(RelayStatus.State.ACTIVE, Instant.now(), "postbox_relay", false, 0, 70, 0, 0, 0,
                    null);
        }

        @Override
        public ParkedEvents parkedEvents() {
            return new ParkedEvents() {
                @Override
                public List<ParkedEvent> list(int limit) {
                    return List.of();
                }

                @Override
                public List<ParkedEvent> forAggregate(String aggregateType, String aggregateId) {
                    return List.of();
                }

                @Override
                public long count() {
                    return 0;
                }

                @Override
                public boolean replay(UUID parkedEventId) {
                    return false;
                }
            };
        }

        @Override
        public long slotLagBytes() {
            return 8192;
        }

        @Override
        public List<RelaySample> history() {
            return List.copyOf(samples);
        }
    }
}
