package dev.postbox.demo.payments.gateway;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A card payment captured by the gateway, applied to an account once. */
@Entity
@Table(name = "payment")
public class Payment {

    /** The gateway's payment id. */
    @Id
    private String id;

    @Column(name = "account_id", nullable = false)
    private String accountId;

    @Column(nullable = false)
    private long amount;

    @Column(name = "gateway_created_at", nullable = false)
    private Instant gatewayCreatedAt;

    @Column(name = "applied_at", nullable = false)
    private Instant appliedAt;

    protected Payment() {
        // JPA
    }

    public Payment(String id, String accountId, long amount, Instant gatewayCreatedAt, Instant appliedAt) {
        this.id = id;
        this.accountId = accountId;
        this.amount = amount;
        this.gatewayCreatedAt = gatewayCreatedAt;
        this.appliedAt = appliedAt;
    }

    public String getId() {
        return id;
    }

    public String getAccountId() {
        return accountId;
    }

    public long getAmount() {
        return amount;
    }
}
