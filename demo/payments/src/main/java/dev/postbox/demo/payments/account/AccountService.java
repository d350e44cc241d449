package dev.postbox.demo.payments.account;

import dev.postbox.demo.payments.DemoConfig;
import dev.postbox.demo.payments.Problems;
import dev.postbox.outbox.Outbox;
import dev.postbox.outbox.OutboxEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * The business logic of accounts. Each method joins the caller's transaction (the inbox's, when called from an
 * {@code @Idempotent} method), so business rows, outbox events and the inbox's "completed" mark commit together.
 */
@ApplicationScoped
public class AccountService {

    private static final Logger LOG = Logger.getLogger(AccountService.class.getName());
    public static final String DEPOSIT_RECEIVED = "DepositReceived";
    public static final String PAYMENT_CAPTURED = "PaymentCaptured";
    public static final String COMPLIANCE_AGGREGATE = "ComplianceReport";
    public static final String LARGE_DEPOSIT_REPORTED = "LargeDepositReported";

    @PersistenceContext(unitName = "payments")
    EntityManager em;

    @Inject
    Outbox outbox;

    @Inject
    DemoConfig config;

    /** Opens the account if it does not exist yet; PUT semantics, so safe to repeat. */
    @Transactional
    public Account open(String id, String owner) {
        Account existing = em.find(Account.class, id);
        if (existing != null) {
            return existing;
        }
        Account account = new Account(id, owner, Instant.now());
        em.persist(account);
        LOG.info(() -> "Opened account " + id + " for " + owner);
        return account;
    }

    @Transactional
    public Account get(String id) {
        Account account = em.find(Account.class, id);
        if (account == null) {
            throw unknown(id);
        }
        return account;
    }

    @Transactional
    public List<Account> list() {
        return em.createQuery("select a from Account a order by a.id", Account.class).getResultList();
    }

    /**
     * Books a deposit: a deposit row, the new balance and a {@code DepositReceived} event (raised by the entity);
     * large deposits also publish a {@code LargeDepositReported} event explicitly.
     */
    @Transactional
    public DepositResult deposit(String accountId, long amount, String idempotencyKey) {
        Account account = lockAccount(accountId);
        if (!account.canCredit(amount)) {
            throw Problems.of(422, "Balance limit reached", "a deposit of " + amount + " cents would take the "
                    + "balance of account " + accountId + " above the largest balance the service keeps ("
                    + Long.MAX_VALUE + " cents); nothing was booked");
        }
        Deposit deposit = new Deposit(UUID.randomUUID(), accountId, amount, idempotencyKey, Instant.now());
        em.persist(deposit);
        OutboxEvent event = account.credit(DEPOSIT_RECEIVED, amount, "deposit:" + deposit.getId());
        if (amount >= config.complianceThresholdCents()) {
            // another aggregate, another topic (outbox.event.ComplianceReport): published explicitly
            outbox.publish(COMPLIANCE_AGGREGATE, deposit.getId(), LARGE_DEPOSIT_REPORTED,
                    new LargeDeposit(deposit.getId().toString(), accountId, amount));
        }
        LOG.fine(() -> "Deposit " + deposit.getId() + " of " + amount + " on " + accountId + " (event " + event.id()
                + ", key " + idempotencyKey + ")");
        return new DepositResult(deposit.getId().toString(), accountId, amount, account.getBalance(),
                event.id().toString());
    }

    /** Credits a captured card payment; the caller persists the payment row in the same transaction. */
    @Transactional
    public OutboxEvent creditPayment(String accountId, String paymentId, long amount) {
        return lockAccount(accountId).credit(PAYMENT_CAPTURED, amount, "payment:" + paymentId);
    }

    /** SELECT ... FOR UPDATE: concurrent credits of one account queue up instead of losing an update. */
    private Account lockAccount(String accountId) {
        Account account = em.find(Account.class, accountId, LockModeType.PESSIMISTIC_WRITE);
        if (account == null) {
            throw unknown(accountId);
        }
        return account;
    }

    private static jakarta.ws.rs.WebApplicationException unknown(String accountId) {
        return Problems.of(404, "Unknown account", "no account " + accountId + "; open it first with PUT "
                + "/api/accounts/" + accountId);
    }

    /** What a deposit call answers (and what a client retry with the same Idempotency-Key gets again). */
    public record DepositResult(String depositId, String accountId, long amount, long balanceAfter, String eventId) {
    }

    /** Payload of {@code LargeDepositReported}. */
    public record LargeDeposit(String depositId, String accountId, long amount) {
    }
}
