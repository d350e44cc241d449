package dev.postbox.it.postbox.app;

import dev.postbox.outbox.OutboxEvent;
import dev.postbox.outbox.OutboxEventSource;
import dev.postbox.outbox.RaisedEvents;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.util.List;

/** A payment that raises its own events (the outbox's entity path): written with the row, in its transaction. */
@Entity
@Table(name = "payment")
public class Payment implements OutboxEventSource {

    @Id
    private String id;
    private String account;
    private long amount;
    private String status;

    @Transient
    private final RaisedEvents events = new RaisedEvents();

    protected Payment() {
    }

    static Payment accept(String id, String account, long amount) {
        Payment payment = new Payment();
        payment.id = id;
        payment.account = account;
        payment.amount = amount;
        payment.status = "ACCEPTED";
        payment.events.raise("Payment", id, "PaymentAccepted", Json.payment(id, account, amount));
        return payment;
    }

    void capture() {
        status = "CAPTURED";
        events.raise("Payment", id, "PaymentCaptured", Json.payment(id, account, 0));
    }

    @Override
    public List<OutboxEvent> drainOutboxEvents() {
        return events.drain();
    }

    PaymentView view() {
        return new PaymentView(id, account, amount, status);
    }

    String id() {
        return id;
    }

    String account() {
        return account;
    }

    long amount() {
        return amount;
    }
}
