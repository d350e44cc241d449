package dev.postbox.demo.payments.ledger;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A large deposit as received by the compliance consumer. */
@Entity
@Table(name = "compliance_report")
public class ComplianceReport {

    @Id
    @Column(name = "event_id")
    private UUID eventId;

    @Column(name = "account_id", nullable = false)
    private String accountId;

    @Column(nullable = false)
    private long amount;

    @Column(name = "received_at", nullable = false)
    private Instant receivedAt;

    protected ComplianceReport() {
        // JPA
    }

    public ComplianceReport(UUID eventId, String accountId, long amount, Instant receivedAt) {
        this.eventId = eventId;
        this.accountId = accountId;
        this.amount = amount;
        this.receivedAt = receivedAt;
    }
}
