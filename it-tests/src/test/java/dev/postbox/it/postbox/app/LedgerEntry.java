package dev.postbox.it.postbox.app;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The consumer's effect: one row per event it applied. The table has no unique constraint on the event id on
 * purpose: "exactly once" must come from the inbox, not from the database rejecting a second row.
 */
@Entity
@Table(name = "ledger_entry")
public class LedgerEntry {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    @Column(name = "event_id")
    private String eventId;
    @Column(name = "payment_id")
    private String paymentId;
    private String type;
    private long amount;

    protected LedgerEntry() {
    }

    LedgerEntry(String eventId, String paymentId, String type, long amount) {
        this.eventId = eventId;
        this.paymentId = paymentId;
        this.type = type;
        this.amount = amount;
    }
}
