package dev.postbox.demo.payments;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of what reached this instance since it started (deliveries, redeliveries). Everything that matters for
 * correctness is read from the database instead (see {@code StatsResource}); these only say how often things
 * were attempted.
 */
@ApplicationScoped
public class DemoStats {

    private final AtomicLong webhookDeliveries = new AtomicLong();
    private final AtomicLong webhookApplied = new AtomicLong();
    private final AtomicLong webhookAbsorbed = new AtomicLong();
    private final AtomicLong webhookInProgress = new AtomicLong();
    private final AtomicLong webhookFailed = new AtomicLong();
    private final AtomicLong recordsConsumed = new AtomicLong();
    private final AtomicLong recordsRedelivered = new AtomicLong();
    private final AtomicLong consumerCrashes = new AtomicLong();
    private final AtomicLong consumerErrors = new AtomicLong();

    public void webhookDelivery() {
        webhookDeliveries.incrementAndGet();
    }

    public void webhookApplied() {
        webhookApplied.incrementAndGet();
    }

    public void webhookAbsorbed() {
        webhookAbsorbed.incrementAndGet();
    }

    public void webhookInProgress() {
        webhookInProgress.incrementAndGet();
    }

    public void webhookFailed() {
        webhookFailed.incrementAndGet();
    }

    public void recordConsumed(boolean redelivered) {
        recordsConsumed.incrementAndGet();
        if (redelivered) {
            recordsRedelivered.incrementAndGet();
        }
    }

    public void consumerCrashSimulated() {
        consumerCrashes.incrementAndGet();
    }

    public void consumerError() {
        consumerErrors.incrementAndGet();
    }

    public Map<String, Long> webhooks() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("deliveries", webhookDeliveries.get());
        m.put("applied", webhookApplied.get());
        m.put("absorbed", webhookAbsorbed.get());
        m.put("inProgress409", webhookInProgress.get());
        m.put("failed", webhookFailed.get());
        return m;
    }

    public Map<String, Long> consumer() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("recordsConsumed", recordsConsumed.get());
        m.put("recordsRedelivered", recordsRedelivered.get());
        m.put("simulatedCrashes", consumerCrashes.get());
        m.put("handlerErrors", consumerErrors.get());
        return m;
    }
}
