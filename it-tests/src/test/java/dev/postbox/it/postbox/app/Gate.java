package dev.postbox.it.postbox.app;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds a request inside its transaction until the test opens the gate: makes "a duplicate arrives while the
 * first is in progress" certain instead of a matter of timing.
 */
@ApplicationScoped
public class Gate {

    private final ConcurrentMap<String, CountDownLatch> latches = new ConcurrentHashMap<>();
    private final Set<String> arrived = ConcurrentHashMap.newKeySet();

    void pass(String name) {
        arrived.add(name);
        try {
            if (!latch(name).await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate " + name + " was never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public boolean arrived(String name) {
        return arrived.contains(name);
    }

    public void open(String name) {
        latch(name).countDown();
    }

    private CountDownLatch latch(String name) {
        return latches.computeIfAbsent(name, n -> new CountDownLatch(1));
    }
}
