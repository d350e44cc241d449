package dev.postbox.inbox;

/**
 * The record of this key is {@link InboxStatus#DEAD}: attempts ran out or the failure was not retryable. It waits
 * for a person ({@link InboxHistory#replay}); duplicates get this until then. HTTP 500.
 */
public class ProcessingDeadException extends InboxException {

    private final String lastError;

    public ProcessingDeadException(String scope, String key, String lastError) {
        super(scope, key, "key '" + key + "' in scope '" + scope + "' is dead (processing gave up: " + lastError
                + "); replay it through InboxHistory once the cause is fixed", null);
        this.lastError = lastError;
    }

    public String lastError() {
        return lastError;
    }

    @Override
    public int httpStatus() {
        return 500;
    }
}
