package dev.postbox.demo.payments.ledger;

import dev.postbox.inbox.Idempotent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.UUID;

/** Keeps one compliance report per {@code LargeDepositReported} event (topic outbox.event.ComplianceReport). */
@ApplicationScoped
public class ComplianceArchive {

    public static final String SCOPE = "compliance";

    @PersistenceContext(unitName = "payments")
    EntityManager em;

    @Idempotent(scope = SCOPE, key = "event.id")
    public void archive(LedgerEvent event) {
        em.persist(new ComplianceReport(UUID.fromString(event.id()), event.accountId(), event.amount(),
                Instant.now()));
    }
}
