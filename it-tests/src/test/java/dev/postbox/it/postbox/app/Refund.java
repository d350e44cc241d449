package dev.postbox.it.postbox.app;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

/** A refund: raises no events itself; its event goes out through an explicit {@code Outbox.publish}. */
@Entity
@Table(name = "refund")
public class Refund {

    @Id
    private String id;
    @Column(name = "payment_id")
    private String paymentId;
    private long amount;

    protected Refund() {
    }

    Refund(String paymentId, long amount) {
        this.id = UUID.randomUUID().toString();
        this.paymentId = paymentId;
        this.amount = amount;
    }
}
