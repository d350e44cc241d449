package dev.postbox.demo.payments.ledger;

/** The ledger API refused the posting (4xx, e.g. a frozen account): retrying the same call will not help. */
public class LedgerRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    public LedgerRejectedException(String message) {
        super(message);
    }
}
