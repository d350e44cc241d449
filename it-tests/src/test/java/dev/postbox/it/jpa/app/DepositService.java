package dev.postbox.it.jpa.app;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

@ApplicationScoped
public class DepositService {

    @PersistenceContext
    EntityManager em;

    /** Persists, then fails on a negative amount: the insert must roll back with the JTA transaction. */
    @Transactional
    public long deposit(String account, long amount) {
        Deposit deposit = new Deposit(account, amount);
        em.persist(deposit);
        em.flush(); // the row is in the database now, inside the transaction
        if (amount < 0) {
            throw new IllegalArgumentException("negative amount " + amount + " for " + account);
        }
        return deposit.getId();
    }
}
