package dev.postbox.inbox.cdi;

import dev.postbox.inbox.Idempotent;
import dev.postbox.inbox.Steps;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicInteger;

/** An {@code @Idempotent} method with recorded steps, as an application writes it. */
@ApplicationScoped
public class StepDeposits {

    @Inject
    Steps steps;

    final AtomicInteger charges = new AtomicInteger();
    final AtomicInteger bookings = new AtomicInteger();

    public int charges() {
        return charges.get();
    }

    public int bookings() {
        return bookings.get();
    }

    @Idempotent(key = "event.id")
    public String deposit(PaymentEvent event) {
        String charge = steps.run("charge", String.class, () -> "ch_" + charges.incrementAndGet());
        steps.run("book", () -> {
            if (bookings.incrementAndGet() == 1) {
                throw new IllegalStateException("ledger down");
            }
        });
        try {
            TestEnvironment.database.effect("deposit", event.getId(), charge);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return charge + " for " + event.getAmount();
    }
}
