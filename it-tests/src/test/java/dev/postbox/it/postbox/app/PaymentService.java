package dev.postbox.it.postbox.app;

import dev.postbox.outbox.Outbox;
import dev.postbox.outbox.OutboxEvent;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The business transactions: JPA changes and their outbox events in one JTA transaction. */
@ApplicationScoped
public class PaymentService {

    @PersistenceContext
    EntityManager em;

    @Inject
    Outbox outbox;

    @Inject
    Gate gate;

    @Resource
    TransactionSynchronizationRegistry registry;

    /**
     * Entity path: the payment raises PaymentAccepted, written by the outbox with the row. An amount that is not
     * positive is refused after the row and its event were flushed, so the rollback has something to undo.
     * Accounts named {@code hold-...} wait at a gate the test opens (a request that is reliably in progress).
     */
    @Transactional
    public PaymentView accept(PaymentRequest request) {
        Payment payment = Payment.accept(request.getId(), request.getAccount(), request.getAmount());
        em.persist(payment);
        if (request.getAmount() <= 0) {
            em.flush(); // the row and its outbox event are handed to the database: the rollback must undo both
            throw new WebApplicationException(Response.status(422).type(MediaType.TEXT_PLAIN)
                    .entity("amount must be positive, was " + request.getAmount()).build());
        }
        if (request.getAccount().startsWith("hold-")) {
            gate.pass(request.getAccount());
        }
        return payment.view();
    }

    /** Explicit path: a refund row (no events of its own) and {@code Outbox.publish}; returns the event id. */
    @Transactional
    public String refund(String paymentId) {
        Payment payment = find(paymentId);
        em.persist(new Refund(paymentId, payment.amount()));
        OutboxEvent event = outbox.publish("Payment", paymentId, "PaymentRefunded",
                Json.payment(paymentId, payment.account(), -payment.amount()));
        return event.id().toString();
    }

    /**
     * Entity path through an update. With {@code failAtCommit}, the change is flushed (Hibernate hands the
     * PaymentCaptured event to the outbox, whose interposed synchronization is registered then), and a second
     * interposed synchronization, registered after the outbox's and so run after it, fails the commit.
     */
    @Transactional
    public void capture(String paymentId, boolean failAtCommit) {
        Payment payment = find(paymentId);
        payment.capture();
        if (failAtCommit) {
            em.flush();
            registry.registerInterposedSynchronization(new FailAtCommit(em, paymentId));
        }
    }

    /** An outbox event that belongs to no entity: only {@code Outbox.publish} in the transaction. */
    @Transactional
    public String audit(String ref, String note) {
        return outbox.publish("Audit", ref, "AuditNoted", Json.PROVIDER.createObjectBuilder().add("ref", ref)
                .add("note", note).build()).id().toString();
    }

    private Payment find(String paymentId) {
        Payment payment = em.find(Payment.class, paymentId);
        if (payment == null) {
            throw new NotFoundException("no payment " + paymentId);
        }
        return payment;
    }
}
