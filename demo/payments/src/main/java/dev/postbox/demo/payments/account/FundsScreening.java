package dev.postbox.demo.payments.account;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Stands in for an outside anti-money-laundering screening API that bills per call and is not idempotent: each
 * call opens a new screening case. The deposit calls it as a recorded step ({@code Steps.run}), so a retry of the
 * same deposit reuses the stored case instead of opening another one. Counts its calls for the summary.
 */
@ApplicationScoped
public class FundsScreening {

    private static final Logger LOG = Logger.getLogger(FundsScreening.class.getName());

    private final AtomicLong calls = new AtomicLong();

    /** Opens a screening case for a deposit; large amounts are flagged for review (the deposit still books). */
    public Screening screen(String accountId, long amountCents, long reviewThresholdCents) {
        long n = calls.incrementAndGet();
        Screening s = new Screening("scr-" + n, amountCents >= reviewThresholdCents ? "REVIEW" : "CLEAR");
        LOG.fine(() -> "Screening " + s.caseId() + " of " + amountCents + " on " + accountId + ": " + s.verdict());
        return s;
    }

    public long calls() {
        return calls.get();
    }

    /** A screening case, stored as the step's result (JSON-B). */
    public record Screening(String caseId, String verdict) {
    }
}
