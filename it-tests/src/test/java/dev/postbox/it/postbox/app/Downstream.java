package dev.postbox.it.postbox.app;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A downstream system that fails temporarily: for an account named {@code flaky-N}, the first N calls per event
 * fail. Every other account works at once.
 */
@ApplicationScoped
public class Downstream {

    private final Map<String, Integer> calls = new ConcurrentHashMap<>();

    void notify(String eventId, String account) {
        int call = calls.merge(eventId, 1, Integer::sum);
        if (account.startsWith("flaky-") && call <= Integer.parseInt(account.substring("flaky-".length()))) {
            throw new IllegalStateException("downstream unavailable (simulated), call " + call + " for event "
                    + eventId);
        }
    }
}
