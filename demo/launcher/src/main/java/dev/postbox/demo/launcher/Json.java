package dev.postbox.demo.launcher;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;

/** One JSON provider for the launcher (each static {@code Json.createXxx} call would look one up again). */
final class Json {

    static final JsonProvider PROVIDER = JsonProvider.provider();

    private Json() {
    }

    static JsonObjectBuilder object() {
        return PROVIDER.createObjectBuilder();
    }

    static JsonStructure parse(String text) {
        try (JsonReader reader = PROVIDER.createReader(new StringReader(text))) {
            return reader.read();
        }
    }

    static JsonObject parseObject(String text) {
        return (JsonObject) parse(text);
    }

    /** A long at a path of object keys, or {@code fallback} when a key is missing. */
    static long number(JsonObject o, long fallback, String... path) {
        JsonValue v = o;
        for (String key : path) {
            if (!(v instanceof JsonObject obj) || !obj.containsKey(key)) {
                return fallback;
            }
            v = obj.get(key);
        }
        return v instanceof jakarta.json.JsonNumber n ? n.longValue() : fallback;
    }
}
