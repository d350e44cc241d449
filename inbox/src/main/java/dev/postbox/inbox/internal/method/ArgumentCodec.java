package dev.postbox.inbox.internal.method;

import dev.postbox.inbox.internal.engine.PermanentFailure;
import dev.postbox.inbox.internal.json.CanonicalJson;
import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import java.lang.reflect.Method;
import java.lang.reflect.Type;

/**
 * Stores a method's arguments as a JSON array (one element per parameter, null for parameters that cannot be
 * stored) and reads them back as the parameters' generic types for a deferred retry.
 */
public final class ArgumentCodec {

    private final Jsonb jsonb;
    private final MethodPlan plan;
    private final Type[] types;

    public ArgumentCodec(Jsonb jsonb, MethodPlan plan) {
        this.jsonb = jsonb;
        this.plan = plan;
        Method method = plan.method();
        this.types = method.getGenericParameterTypes();
    }

    /** @throws RuntimeException when JSON-B cannot serialize an argument */
    public String encode(Object[] arguments) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < arguments.length; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(arguments[i] == null || !plan.storable(i) ? "null" : jsonb.toJson(arguments[i], types[i]));
        }
        return json.append(']').toString();
    }

    /** @throws PermanentFailure when the stored arguments do not fit the method (any more) */
    public Object[] decode(String json) {
        try {
            return read(json);
        } catch (RuntimeException e) {
            throw new PermanentFailure("stored arguments of " + plan.describe() + " cannot be read back: " + e, e);
        }
    }

    private Object[] read(String json) {
        JsonArray array = CanonicalJson.parse(json).asJsonArray();
        if (array.size() != types.length) {
            throw new IllegalStateException("stored arguments of " + plan.describe() + " have " + array.size()
                    + " element(s), the method has " + types.length + " parameter(s); was the method changed?");
        }
        Object[] arguments = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            JsonValue value = array.get(i);
            if (value.getValueType() != JsonValue.ValueType.NULL) {
                arguments[i] = jsonb.fromJson(value.toString(), types[i]);
            } else if (types[i] instanceof Class<?> c && c.isPrimitive()) {
                throw new IllegalStateException("stored argument " + i + " of " + plan.describe() + " is null");
            }
        }
        return arguments;
    }
}
