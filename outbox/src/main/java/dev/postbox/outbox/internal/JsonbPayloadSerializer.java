package dev.postbox.outbox.internal;

import dev.postbox.outbox.PayloadSerializer;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

/** The default serializer: JSON-B with its default mapping (public fields and getters, ISO-8601 dates). */
public final class JsonbPayloadSerializer implements PayloadSerializer {

    private volatile Jsonb jsonb;

    @Override
    public String toJson(Object payload) {
        return jsonb().toJson(payload);
    }

    private Jsonb jsonb() {
        Jsonb current = jsonb;
        if (current == null) {
            synchronized (this) {
                current = jsonb;
                if (current == null) {
                    current = JsonbBuilder.create();
                    jsonb = current;
                }
            }
        }
        return current;
    }
}
