package dev.postbox.it.platform.app;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

@ApplicationScoped
public class TxProbeService {

    @PersistenceContext
    EntityManager em;

    @Resource
    TransactionSynchronizationRegistry tsr;

    /** The Hibernate session of the current transaction: its connection is the transaction's. */
    public org.hibernate.Session session() {
        return em.unwrap(org.hibernate.Session.class);
    }

    /**
     * Changes the balance. Mode words: {@code early} registers an interposed synchronization before the change
     * ({@code early-held}: it takes its connection now; {@code after-find-held}: the same after loading the entity),
     * {@code flush} flushes in the method, {@code business-throws}
     * fails after that; the rest is read by {@link OutboxSync} and {@link AccountListener}.
     */
    @Transactional
    public void update(long id, long balance, String mode) {
        tsr.putResource("mode", mode);
        if (mode.contains("early")) {
            tsr.registerInterposedSynchronization(new EarlySync(id, mode.contains("held")));
            Trace.add("service:early-registered");
        }
        Account account = em.find(Account.class, id);
        if (mode.contains("after-find-held")) {
            tsr.registerInterposedSynchronization(new EarlySync(id, true));
            Trace.add("service:after-find registered early sync holding a connection");
        }
        // before the change: a native query makes Hibernate flush pending changes first
        Trace.add("service:jpa-pid=" + em.createNativeQuery("select pg_backend_pid()").getSingleResult());
        account.setBalance(balance);
        if (mode.contains("flush")) {
            em.flush();
            Trace.add("service:flushed");
        }
        if (mode.contains("business-throws")) {
            throw new IllegalStateException("business failure");
        }
        Trace.add("service:return");
    }
}
