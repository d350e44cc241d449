package dev.postbox.it.postbox.app;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Synchronization;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.atomic.AtomicLong;
import org.hibernate.Session;

/**
 * Fails the commit after the outbox wrote its rows: counts, on the transaction's own connection, the
 * PaymentCaptured rows the outbox has inserted for the payment (so the test knows they were written), then
 * throws, which rolls the whole transaction back.
 */
final class FailAtCommit implements Synchronization {

    private final EntityManager em;
    private final String paymentId;

    FailAtCommit(EntityManager em, String paymentId) {
        this.em = em;
        this.paymentId = paymentId;
    }

    @Override
    public void beforeCompletion() {
        AtomicLong rows = new AtomicLong(-1);
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement s = connection.prepareStatement("select count(*) from outbox_event where"
                    + " aggregateid = ? and type = 'PaymentCaptured'")) {
                s.setString(1, paymentId);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    rows.set(r.getLong(1));
                }
            }
        });
        CDI.current().select(CommitProbe.class).get().seen(paymentId, rows.get());
        throw new IllegalStateException("failing the commit on purpose, after the outbox wrote " + rows.get()
                + " row(s) for payment " + paymentId);
    }

    @Override
    public void afterCompletion(int status) {
        CDI.current().select(CommitProbe.class).get().completed(paymentId, status);
    }
}
