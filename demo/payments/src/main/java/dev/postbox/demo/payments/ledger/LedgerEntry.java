package dev.postbox.demo.payments.ledger;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One outbox event posted to the external ledger. */
@Entity
@Table(name = "ledger_entry")
public class LedgerEntry {

    @Id
    @Column(name = "event_id")
    private UUID eventId;

    @Column(name = "event_type", nullable = false)
    private String eventType;

    @Column(name = "account_id", nullable = false)
    private String accountId;

    @Column(nullable = false)
    private long amount;

    @Column(name = "ledger_reference", nullable = false)
    private String ledgerReference;

    @Column(name = "posted_at", nullable = false)
    private Instant postedAt;

    protected LedgerEntry() {
        // JPA
    }

    public LedgerEntry(UUID eventId, String eventType, String accountId, long amount, String ledgerReference,
            Instant postedAt) {
        this.eventId = eventId;
        this.eventType = eventType;
        this.accountId = accountId;
        this.amount = amount;
        this.ledgerReference = ledgerReference;
        this.postedAt = postedAt;
    }
}
