package dev.postbox.demo.launcher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The status of one GET, with BASIC credentials ({@code user:password}) or none. */
final class ServiceClientProbe {

    private ServiceClientProbe() {
    }

    static int status(URI uri, String credentials) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
        if (credentials != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
