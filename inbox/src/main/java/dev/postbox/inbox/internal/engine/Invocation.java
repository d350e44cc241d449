package dev.postbox.inbox.internal.engine;

import dev.postbox.inbox.internal.Policy;
import java.util.concurrent.Callable;

/**
 * One call to run once: where its record lives (scope, key), what identifies its payload (fingerprint), how to
 * retry it later (handler id and JSON arguments, both null when retries are left to the sender), and the work.
 */
public record Invocation(String scope, String key, String fingerprint, String handlerId, String arguments,
        Policy policy, ResultCodec codec, Callable<Object> body) {

    public boolean deferrable() {
        return handlerId != null;
    }
}
