package dev.postbox.relay;

import static dev.postbox.relay.RelayTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.postbox.common.StandardWebhooks;
import dev.postbox.common.WebhookVerificationException;
import dev.postbox.testkit.PostgresServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The webhook sink against a real HTTP server on loopback that verifies Standard Webhooks signatures. */
class WebhookSinkTest {

    @Test
    void signsRetries5xxAndParks4xx() throws Exception {
        String secret = StandardWebhooks.newSecret();
        StandardWebhooks verifier = StandardWebhooks.withSecrets(secret);
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        List<String> verifiedBodies = new CopyOnWriteArrayList<>();
        List<String> rejected = new CopyOnWriteArrayList<>();
        Map<String, String> typeHeaders = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status;
            try {
                StandardWebhooks.Verified v = verifier.verify(name -> exchange.getRequestHeaders().getFirst(name), body);
                int n = attempts.computeIfAbsent(v.id(), k -> new AtomicInteger()).incrementAndGet();
                typeHeaders.put(v.id(), exchange.getRequestHeaders().getFirst("postbox-event-type"));
                if (exchange.getRequestHeaders().getFirst("postbox-event-type").equals("Bad")) {
                    status = 422; // permanent: the receiver will never accept it
                } else if (n == 1) {
                    status = 503; // first attempt of every event fails: retried
                } else {
                    verifiedBodies.add(new String(body, StandardCharsets.UTF_8));
                    status = 204;
                }
            } catch (WebhookVerificationException e) {
                rejected.add(e.getMessage());
                status = 401;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        PostgresServer.Database db = database("webhook");
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
        try (OutboxRelay relay = relay(db).webhook(url, secret).build()) {
            relay.start();
            awaitState(relay, RelayStatus.State.ACTIVE);
            UUID first = insert(db, "Order", "o-1", "OrderPlaced", "{\"seq\": 1}", "{\"traceparent\": \"00-abc-def-01\"}");
            insert(db, "Order", "o-1", 2);
            UUID bad = insert(db, "Order", "o-2", "Bad", "{\"seq\": 1}", "{}");
            await("two delivered", () -> verifiedBodies.size() == 2);
            await("bad parked", () -> relay.parkedEvents().count() == 1);
            assertThat(rejected).as("every request carried a valid signature").isEmpty();
            assertThat(verifiedBodies).containsExactly("{\"seq\": 1}", "{\"seq\": 2}");
            assertThat(attempts.get(first.toString()).get()).isEqualTo(2);
            assertThat(typeHeaders.get(first.toString())).isEqualTo("OrderPlaced");
            assertThat(attempts.get(bad.toString()).get()).isEqualTo(1);
            assertThat(relay.parkedEvents().list(10).get(0).lastError()).contains("HTTP 422");
        } finally {
            server.stop(0);
        }
    }
}
