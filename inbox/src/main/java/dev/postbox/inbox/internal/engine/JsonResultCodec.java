package dev.postbox.inbox.internal.engine;

import dev.postbox.inbox.internal.store.StoredResult;
import jakarta.json.bind.Jsonb;
import java.lang.reflect.Type;

/** Stores results as JSON-B JSON and reads them back as the method's (generic) return type. */
public class JsonResultCodec implements ResultCodec {

    private final Jsonb jsonb;
    private final Type type;

    /** @param type the declared result type; {@code void.class}/{@code Void.class} store nothing */
    public JsonResultCodec(Jsonb jsonb, Type type) {
        this.jsonb = jsonb;
        this.type = type;
    }

    @Override
    public StoredResult encode(Object result) {
        if (result == null || type == void.class || type == Void.class) {
            return StoredResult.none();
        }
        return StoredResult.json(type == Object.class ? jsonb.toJson(result) : jsonb.toJson(result, type));
    }

    @Override
    public Object decode(StoredResult stored) {
        if (stored == null || stored.body() == null || StoredResult.NONE.equals(stored.format())) {
            return null;
        }
        if (StoredResult.TEXT.equals(stored.format())) {
            return stored.body();
        }
        return jsonb.fromJson(stored.body(), type);
    }

    protected Jsonb jsonb() {
        return jsonb;
    }

    protected Type type() {
        return type;
    }
}
