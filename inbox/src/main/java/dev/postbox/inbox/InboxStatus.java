package dev.postbox.inbox;

/** Life cycle of an inbox record: RECEIVED / IN_PROGRESS, then COMPLETED, or FAILED (retry scheduled), then DEAD. */
public enum InboxStatus {
    /** Accepted and waiting for the scheduler ({@link Inbox#receive}, or a replayed dead record). */
    RECEIVED,
    /** An attempt is running under a lease; after the lease ends another worker may take over. */
    IN_PROGRESS,
    /** Done; duplicates get the stored result until the record expires. */
    COMPLETED,
    /** The last attempt failed with a retryable error; the next attempt is due at {@code nextAttemptAt}. */
    FAILED,
    /** Given up (attempts exhausted or a non-retryable error): needs a person, see {@link InboxHistory#replay}. */
    DEAD
}
