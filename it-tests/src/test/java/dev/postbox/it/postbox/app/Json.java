package dev.postbox.it.postbox.app;

import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;

/** Event payloads. One provider for the application: the static {@code jakarta.json.Json} factories look it up each time. */
final class Json {

    static final JsonProvider PROVIDER = JsonProvider.provider();

    private Json() {
    }

    static JsonObject payment(String paymentId, String account, long amount) {
        return PROVIDER.createObjectBuilder().add("paymentId", paymentId).add("account", account).add("amount", amount)
                .build();
    }

    static JsonObject parse(String json) {
        try (var reader = PROVIDER.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }
}
