package dev.postbox.demo.payments.account;

import dev.postbox.outbox.OutboxEvent;
import dev.postbox.outbox.OutboxEventSource;
import dev.postbox.outbox.RaisedEvents;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.time.Instant;
import java.util.List;

/**
 * A customer account. Every credit raises an {@code Account} event ({@code DepositReceived},
 * {@code PaymentCaptured}) that Postbox writes to the outbox on Hibernate's connection when the account row is
 * flushed: the balance and the event commit together or not at all.
 */
@Entity
@Table(name = "account")
public class Account implements OutboxEventSource {

    public static final String AGGREGATE_TYPE = "Account";

    @Id
    private String id;

    @Column(nullable = false)
    private String owner;

    /** Cents. */
    @Column(nullable = false)
    private long balance;

    @Column(name = "opened_at", nullable = false)
    private Instant openedAt;

    @Transient
    private final RaisedEvents events = new RaisedEvents();

    protected Account() {
        // JPA
    }

    public Account(String id, String owner, Instant openedAt) {
        this.id = id;
        this.owner = owner;
        this.openedAt = openedAt;
    }

    /** Whether {@code amount} more cents still fit the balance (a {@code bigint}). */
    public boolean canCredit(long amount) {
        return amount <= Long.MAX_VALUE - balance;
    }

    /** Adds {@code amount} cents and raises {@code type} with a {@link Credit} payload; returns the event. */
    public OutboxEvent credit(String type, long amount, String reference) {
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive, was " + amount);
        }
        balance = Math.addExact(balance, amount); // never wraps: ArithmeticException instead
        return events.raise(AGGREGATE_TYPE, id, type, new Credit(id, amount, reference, balance));
    }

    @Override
    public List<OutboxEvent> drainOutboxEvents() {
        return events.drain();
    }

    public String getId() {
        return id;
    }

    public String getOwner() {
        return owner;
    }

    public long getBalance() {
        return balance;
    }

    public Instant getOpenedAt() {
        return openedAt;
    }

    /** Payload of the account's events: what the ledger consumer posts. */
    public record Credit(String accountId, long amount, String reference, long balanceAfter) {
    }
}
