package dev.postbox.it.postbox.app;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What {@link FailAtCommit} saw inside the failing transaction, for the test to read. */
@ApplicationScoped
public class CommitProbe {

    private final Map<String, String> seen = new ConcurrentHashMap<>();

    void seen(String paymentId, long outboxRows) {
        seen.merge(paymentId, "outboxRowsBeforeFailure=" + outboxRows, (a, b) -> a + " " + b);
    }

    void completed(String paymentId, int status) {
        seen.merge(paymentId, "status=" + status, (a, b) -> a + " " + b);
    }

    public String report(String paymentId) {
        return seen.getOrDefault(paymentId, "");
    }
}
