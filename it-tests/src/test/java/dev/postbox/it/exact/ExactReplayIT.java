package dev.postbox.it.exact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.it.exact.app.Receipt;
import dev.postbox.it.harness.Http;
import dev.postbox.it.harness.Server;
import dev.postbox.it.harness.ServerWar;
import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.PostgresServer.Database;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A replayed answer of an {@code @Idempotent} resource method that returns a POJO is exactly the bytes and
 * Content-Type the client first received, and those are what the server's own JSON provider writes for the POJO
 * (Jackson on WildFly, where JSON-B's text would differ in member order, the date and the null member).
 */
@ExtendWith(ArquillianExtension.class)
class ExactReplayIT {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive war() {
        Database db = PostgresServer.shared().createDatabase("exact_it");
        db.execute(ServerWar.postboxSchema());
        WebArchive war = ServerWar.withPostbox(ServerWar.create("exact-it", db))
                .addPackage(Receipt.class.getPackage());
        return ServerWar.config(war, Map.of(
                "postbox.outbox.datasource", ServerWar.DATA_SOURCE,
                "postbox.inbox.datasource", ServerWar.DATA_SOURCE,
                "postbox.inbox.scheduler.enabled", "false",
                "postbox.relay.enabled", "false"));
    }

    @Test
    void aReplayedPojoAnswerIsTheFirstAnswersBytesAsTheServersProviderWroteThem() throws Exception {
        String request = "{\"number\":7}";
        HttpResponse<byte[]> first = post("api/receipts", request, "receipt-7");
        HttpResponse<byte[]> replay = post("api/receipts", request, "receipt-7");
        HttpResponse<byte[]> plain = post("api/receipts/plain", request, null);
        String server = Server.current().displayName();
        System.out.println("ExactReplayIT on " + server + ": " + first.headers().firstValue("Content-Type")
                .orElse("no Content-Type") + " " + text(first));

        assertThat(first.statusCode()).as(text(first)).isEqualTo(200);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(replay.statusCode()).as(text(replay)).isEqualTo(200);
        assertThat(replay.headers().allValues("Idempotent-Replayed")).containsExactly("true");
        assertThat(text(replay)).as("replay on " + server).isEqualTo(text(first));
        assertThat(replay.body()).as("replay bytes on " + server).isEqualTo(first.body());
        assertThat(replay.headers().firstValue("Content-Type")).as("replay Content-Type on " + server)
                .isEqualTo(first.headers().firstValue("Content-Type")).isPresent();
        assertThat(text(first)).as("the first answer is what " + server + "'s provider writes")
                .isEqualTo(text(plain));
        assertThat(first.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(Http.get(base, "api/receipts/calls").body()).as("the method ran once").isEqualTo("1");
    }

    private HttpResponse<byte[]> post(String path, String body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(Http.resolve(base, path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
