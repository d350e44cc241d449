package dev.postbox.demo.payments.ledger;

import dev.postbox.inbox.Idempotent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Posts every account credit to the external ledger, once per outbox event id however often Kafka delivers it.
 * When the ledger is down or slow the inbox records the failure and retries with backoff (0.5 s, 1 s, 2 s ...),
 * each attempt in a new transaction; a rejection (4xx) is not retried: the record is DEAD until someone replays it.
 */
@ApplicationScoped
public class LedgerPosting {

    public static final String SCOPE = "ledger";
    private static final Logger LOG = Logger.getLogger(LedgerPosting.class.getName());

    @Inject
    LedgerClient ledger;

    @PersistenceContext(unitName = "payments")
    EntityManager em;

    @Idempotent(scope = SCOPE, key = "event.id", maxAttempts = 6, abortOn = LedgerRejectedException.class)
    public void post(LedgerEvent event) throws LedgerUnavailableException, LedgerRejectedException {
        String reference = ledger.post(event);
        em.persist(new LedgerEntry(UUID.fromString(event.id()), event.type(), event.accountId(), event.amount(),
                reference, Instant.now()));
        LOG.fine(() -> "Posted event " + event.id() + " (" + event.type() + ") to the ledger as " + reference);
    }
}
