package dev.postbox.inbox.cdi;

import dev.postbox.inbox.IdempotencyKey;
import dev.postbox.inbox.Idempotent;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Business methods as an application writes them. */
@ApplicationScoped
public class PaymentListener {

    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    volatile int failuresBeforeSuccess;

    @Idempotent(key = "event.id")
    public String book(PaymentEvent event) throws Exception {
        count("book");
        TestEnvironment.database.effect("book", event.getId(), Long.toString(event.getAmount()));
        return "booked " + event.getId() + " for " + event.getAmount();
    }

    @Idempotent(scope = "ledger", maxAttempts = 4)
    public void post(@IdempotencyKey String messageId, List<Integer> lines) throws Exception {
        int call = count("post");
        TestEnvironment.database.effect("ledger", messageId, "call " + call);
        if (call <= failuresBeforeSuccess) {
            throw new java.io.IOException("ledger unavailable, call " + call);
        }
    }

    @Idempotent(key = "#0.id", maxAttempts = 3)
    public Map<String, Object> quote(PaymentEvent event) {
        int call = count("quote");
        if (call == 1) {
            throw new IllegalStateException("pricing service timed out");
        }
        return Map.of("id", event.getId(), "price", event.getAmount() * 2, "call", call);
    }

    @Idempotent(abortOn = IllegalArgumentException.class)
    public void validate(PaymentEvent event) {
        count("validate");
        throw new IllegalArgumentException("amount must be positive: " + event.getAmount());
    }

    @Idempotent(scope = "sync", key = "event.id", deferredRetries = false)
    public String sync(PaymentEvent event) {
        int call = count("sync");
        if (call == 1) {
            throw new IllegalStateException("first call fails");
        }
        return "ok " + call;
    }

    @Idempotent(scope = "archive", initialDelay = "PT1S")
    public void archive(@IdempotencyKey String id, List<Integer> values) throws java.io.IOException {
        count("archive");
        throw new java.io.IOException("archive offline");
    }

    /** No key given: the payload's own eventId is the key. */
    @Idempotent(scope = "settle")
    public String settle(Settlement settlement) {
        count("settle");
        return "settled " + settlement.eventId;
    }

    public static class Settlement {
        public String eventId;
        public long amount;

        public Settlement() {
        }

        public Settlement(String eventId, long amount) {
            this.eventId = eventId;
            this.amount = amount;
        }
    }

    /** Through a method: tests hold a client proxy, whose fields are not the bean's. */
    void failFirst(int failures) {
        failuresBeforeSuccess = failures;
    }

    private int count(String method) {
        return calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
    }

    int calls(String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }
}
