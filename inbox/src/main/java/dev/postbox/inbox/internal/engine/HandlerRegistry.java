package dev.postbox.inbox.internal.engine;

import dev.postbox.inbox.internal.Policy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this instance can run later: handler id (stored in each record) → how to invoke it from the stored
 * JSON arguments. The scheduler only claims records whose handler is registered here, so an instance without
 * a handler (an older version during a rolling deployment) never steals its records.
 */
public final class HandlerRegistry {

    /** Re-invokes a handler from its stored JSON arguments. */
    @FunctionalInterface
    public interface Invoker {
        Object invoke(String arguments) throws Exception;
    }

    /** A handler that the scheduler can run. */
    public record Handler(String id, String scope, Policy policy, ResultCodec codec, Invoker invoker) {
    }

    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();

    public void register(Handler handler) {
        handlers.put(handler.id(), handler);
    }

    public Optional<Handler> get(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(handlers.get(id));
    }

    public List<String> ids() {
        return List.copyOf(handlers.keySet());
    }
}
