package dev.postbox.relay.internal.sink;

import dev.postbox.common.StandardWebhooks;
import dev.postbox.relay.RelayEvent;
import dev.postbox.relay.RelaySink;
import dev.postbox.relay.RelaySinkException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * POSTs each event's payload (JSON) to one URL, signed the Standard Webhooks way: {@code webhook-id} is the event
 * id (receivers deduplicate on it), {@code webhook-timestamp} the time of this attempt, {@code webhook-signature}
 * the HMAC over id, timestamp and body. Also sends {@code postbox-event-type}, {@code postbox-aggregate-type},
 * {@code postbox-aggregate-id} and the row's headers (e.g. {@code traceparent}).
 *
 * <p>2xx acknowledges; 408, 429, 5xx and I/O errors or timeouts are retryable; any other status is permanent
 * (the event is parked).
 */
public final class WebhookSink implements RelaySink {

    private static final Pattern TOKEN = Pattern.compile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$");
    /** Headers the JDK client refuses or that would break the request. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "content-type", "webhook-id", "webhook-timestamp", "webhook-signature");

    private final HttpClient client;
    private final URI url;
    private final StandardWebhooks signer;
    private final Duration timeout;
    private final Clock clock;

    public WebhookSink(URI url, String secret, Duration timeout) {
        this(url, StandardWebhooks.withSecrets(secret), timeout, Clock.systemUTC());
    }

    WebhookSink(URI url, StandardWebhooks signer, Duration timeout, Clock clock) {
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.url = url;
        this.signer = signer;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public CompletionStage<Void> send(RelayEvent event) {
        byte[] body = (event.payload() == null ? "null" : event.payload()).getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("content-type", "application/json")
                .header("postbox-event-type", event.type())
                .header("postbox-aggregate-type", event.aggregateType())
                .header("postbox-aggregate-id", event.aggregateId());
        for (Map.Entry<String, String> h : event.headers().entrySet()) {
            String name = h.getKey();
            if (TOKEN.matcher(name).matches() && !RESTRICTED.contains(name.toLowerCase(Locale.ROOT))
                    && h.getValue().chars().noneMatch(c -> c == '\r' || c == '\n')) {
                request.header(name, h.getValue());
            }
        }
        signer.headers(event.id().toString(), clock.instant(), body).forEach(request::header);
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                .handle((response, error) -> {
                    if (error != null) {
                        throw RelaySinkException.retryable(describe() + " unreachable: " + error, error);
                    }
                    int status = response.statusCode();
                    if (status >= 200 && status < 300) {
                        return null;
                    }
                    boolean retryable = status == 408 || status == 429 || status >= 500;
                    throw new RelaySinkException(describe() + " answered HTTP " + status, null, !retryable);
                });
    }

    @Override
    public String describe() {
        // without query or user info: they may carry tokens
        return "webhook " + url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getPath() == null ? "" : url.getPath());
    }
}
