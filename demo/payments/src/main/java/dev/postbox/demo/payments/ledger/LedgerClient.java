package dev.postbox.demo.payments.ledger;

import dev.postbox.demo.payments.DemoConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Client of the external ledger API ({@code postbox.demo.ledger.url}), which is slow and fails now and then. The
 * event id goes along as {@code Idempotency-Key}: the call itself is outside our transaction, so if our commit
 * fails after the ledger answered, the retry must not book twice on the ledger's side either.
 */
@ApplicationScoped
public class LedgerClient {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    @Inject
    DemoConfig config;

    private HttpClient http;

    @PostConstruct
    void init() {
        http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** Posts one credit; returns the ledger's reference. */
    public String post(LedgerEvent event) throws LedgerUnavailableException, LedgerRejectedException {
        URI base = config.ledgerUrl().orElseThrow(() -> new IllegalStateException(
                "no ledger URL configured (" + DemoConfig.LEDGER_URL + ")"));
        String body = JSON.createObjectBuilder()
                .add("accountId", event.accountId())
                .add("amount", event.amount())
                .add("reference", event.reference())
                .add("eventType", event.type())
                .build().toString();
        HttpRequest request = HttpRequest.newBuilder(base.resolve(base.getPath().endsWith("/") ? "postings"
                        : base.getPath() + "/postings"))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", event.id())
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new LedgerUnavailableException("ledger unreachable for event " + event.id() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerUnavailableException("interrupted while calling the ledger for event " + event.id(), e);
        }
        int status = response.statusCode();
        if (status >= 500) {
            throw new LedgerUnavailableException("ledger answered " + status + " for event " + event.id() + ": "
                    + abbreviate(response.body()), null);
        }
        if (status >= 400) {
            throw new LedgerRejectedException("ledger rejected event " + event.id() + " with " + status + ": "
                    + abbreviate(response.body()));
        }
        try (JsonReader reader = JSON.createReader(new StringReader(response.body()))) {
            JsonObject answer = reader.readObject();
            return answer.getString("reference");
        }
    }

    private static String abbreviate(String s) {
        String oneLine = s == null ? "" : s.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }
}
