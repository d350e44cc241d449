package dev.postbox.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A small HTTP client for client-side tests ({@code @Deployment(testable = false)}). */
public final class Http {

    /**
     * HTTP/1.1 only: by default the JDK client asks every server for an h2c upgrade, and Open Liberty accepts it;
     * with several concurrent requests on one upgraded connection Liberty's request threads then wait in
     * {@code H2StreamProcessor.readWriteTransitionState} and the requests time out (seen in PostboxIT's concurrent
     * replay test). The tests are about Postbox, not about HTTP/2, and the other servers answer HTTP/1.1 anyway.
     */
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private Http() {
    }

    /** The answer of the server: status, headers and body as text. */
    public record Response(int status, String body, Map<String, List<String>> headers) {

        public Response(int status, String body) {
            this(status, body, Map.of());
        }

        /** The first value of a response header (case-insensitive name), or null. */
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }
    }

    public static Response get(URL base, String path) {
        return send(HttpRequest.newBuilder(resolve(base, path)).GET());
    }

    public static Response post(URL base, String path, String contentType, String body) {
        return post(base, path, contentType, body, Map.of());
    }

    /** A POST with extra request headers (e.g. {@code Idempotency-Key}, Standard Webhooks signature headers). */
    public static Response post(URL base, String path, String contentType, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(resolve(base, path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request);
    }

    /** {@code path} relative to the deployment's URL, e.g. {@code api/accounts}. */
    public static URI resolve(URL base, String path) {
        String root = base.toString().endsWith("/") ? base.toString() : base + "/";
        return URI.create(root).resolve(path);
    }

    private static Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = CLIENT.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
