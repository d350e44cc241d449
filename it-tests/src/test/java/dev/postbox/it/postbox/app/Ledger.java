package dev.postbox.it.postbox.app;

import dev.postbox.inbox.Idempotent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/**
 * The message consumer's business method: books one ledger entry per payment event, once per event id. The
 * downstream call comes after the entry was written, so a failed attempt also proves its entry rolled back.
 * Retries: 5 attempts, 300 ms then doubling, no jitter (the test checks the spacing of the stored attempts).
 */
@ApplicationScoped
public class Ledger {

    @PersistenceContext
    EntityManager em;

    @Inject
    Downstream downstream;

    @Idempotent(key = "eventId", maxAttempts = 5, initialDelay = "PT0.3S", factor = 2, jitter = 0)
    @Transactional
    public void book(String eventId, String type, String paymentId, String payload) {
        JsonObject event = Json.parse(payload);
        em.persist(new LedgerEntry(eventId, paymentId, type, event.getJsonNumber("amount").longValue()));
        em.flush();
        downstream.notify(eventId, event.getString("account"));
    }
}
