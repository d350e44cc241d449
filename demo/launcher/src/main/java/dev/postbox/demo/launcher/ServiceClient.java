package dev.postbox.demo.launcher;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** HTTP client of the payments service's REST API ({@code http://127.0.0.1:<port>/payments/api/}). */
final class ServiceClient {

    private final URI api;
    private final Map<String, String> defaultHeaders;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ServiceClient(URI api) {
        this(api, Map.of());
    }

    /** A client that sends {@code defaultHeaders} (e.g. the console's {@code Authorization}) with every request. */
    ServiceClient(URI api, Map<String, String> defaultHeaders) {
        this.api = api;
        this.defaultHeaders = Map.copyOf(defaultHeaders);
    }

    URI api() {
        return api;
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(api.resolve(path)).GET(), Map.of());
    }

    Answer put(String path, String json) {
        return send(HttpRequest.newBuilder(api.resolve(path)).PUT(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json"), Map.of());
    }

    Answer post(String path, String json, Map<String, String> headers) {
        return send(HttpRequest.newBuilder(api.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json"), headers);
    }

    Answer post(String path, byte[] body, Map<String, String> headers) {
        return send(HttpRequest.newBuilder(api.resolve(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json"), headers);
    }

    JsonObject getObject(String path) {
        return get(path).expectOk().object();
    }

    JsonArray getArray(String path) {
        return (JsonArray) Json.parse(get(path).expectOk().body());
    }

    private Answer send(HttpRequest.Builder builder, Map<String, String> headers) {
        builder.timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
        defaultHeaders.forEach(builder::header);
        headers.forEach(builder::header);
        HttpRequest request = builder.build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(request.method() + " " + request.uri(), r.statusCode(), r.body(),
                    r.headers().firstValue("Idempotent-Replayed").map(Boolean::parseBoolean).orElse(false));
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + request.method() + " " + request.uri(), e);
        }
    }

    /** Status, body and the {@code Idempotent-Replayed} header of one answer. */
    record Answer(String request, int status, String body, boolean replayed) {

        Answer expectOk() {
            if (status < 200 || status > 299) {
                throw new IllegalStateException(request + " answered " + status + ": " + body);
            }
            return this;
        }

        JsonObject object() {
            return Json.parseObject(body);
        }
    }
}
