package dev.postbox.demo.payments.ledger;

/** The ledger API did not answer, timed out or answered 5xx: worth retrying later. */
public class LedgerUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    public LedgerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
