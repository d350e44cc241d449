package dev.postbox.inbox;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Lists inbox records with their attempt history, and replays dead ones. */
public interface InboxHistory {

    /** Records matching the filter, newest first. */
    List<InboxRecord> list(Filter filter);

    Optional<InboxRecord> find(UUID id);

    Optional<InboxRecord> find(String scope, String key);

    /**
     * Every run of the record's recorded {@link Steps}, in step order (a step's failed runs before its completed
     * one): name, outcome, attempt, start, duration, stored result or error. Empty when the record used no steps.
     *
     * @throws java.util.NoSuchElementException when there is no such record
     */
    List<InboxStep> steps(UUID id);

    /**
     * The progress and cursor the record's handler last recorded ({@link Steps#progress}, {@link Steps#saveCursor}).
     *
     * @throws java.util.NoSuchElementException when there is no such record
     */
    Optional<InboxProgress> progress(UUID id);

    /**
     * The circuit breaker and rate limit of a scope: state, failures in a row, when it opened and until when,
     * how many times it opened, and this instance's running calls and deferred deliveries. The inbox has no
     * metrics registry of its own: export these figures through yours.
     */
    InboxScopeStatus scopeStatus(String scope);

    /**
     * Gives a {@link InboxStatus#DEAD} record a new budget of attempts. When its handler is registered here (a
     * method with deferred retries, or an {@link Inbox#register registered} scope) the record becomes
     * {@link InboxStatus#RECEIVED} and the scheduler runs it soon; otherwise it becomes
     * {@link InboxStatus#FAILED} and the sender's next delivery with the same key runs it.
     *
     * @throws IllegalStateException when the record is not dead
     * @throws java.util.NoSuchElementException when there is no such record
     */
    InboxRecord replay(UUID id);

    /**
     * Which records to list. Immutable; start from {@link #all()}.
     *
     * @param scope only this scope, or null for all
     * @param statuses only these statuses; empty for all
     * @param from created at or after, or null
     * @param to created before, or null
     * @param limit at most this many records (1..1000)
     */
    record Filter(String scope, Set<InboxStatus> statuses, Instant from, Instant to, int limit) {

        public Filter {
            statuses = statuses == null || statuses.isEmpty() ? Set.of() : Set.copyOf(statuses);
            if (limit < 1 || limit > 1000) {
                throw new IllegalArgumentException("limit must be within 1..1000, was " + limit);
            }
        }

        public static Filter all() {
            return new Filter(null, Set.of(), null, null, 100);
        }

        public Filter scope(String scope) {
            return new Filter(scope, statuses, from, to, limit);
        }

        public Filter status(InboxStatus first, InboxStatus... more) {
            return new Filter(scope, EnumSet.of(first, more), from, to, limit);
        }

        public Filter between(Instant from, Instant to) {
            return new Filter(scope, statuses, from, to, limit);
        }

        public Filter limit(int limit) {
            return new Filter(scope, statuses, from, to, limit);
        }
    }
}
