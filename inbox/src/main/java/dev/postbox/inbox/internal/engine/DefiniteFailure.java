package dev.postbox.inbox.internal.engine;

import java.lang.reflect.Method;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;

/**
 * A failure that no retry can fix, found in what a handler threw: the same request fails the same way every time,
 * so the inbox records it at once as a definite answer instead of deferring and retrying it.
 *
 * <p>{@link #classify} looks at the failure and its causes (outermost first; {@link Throwable#getCause()} and, for
 * {@link SQLException}, {@link SQLException#getNextException()}), so it sees through the wrappers a JPA provider
 * and a transaction manager put around a JDBC error: {@code jakarta.transaction.RollbackException} (a flush at
 * commit), {@code jakarta.persistence.PersistenceException}, Hibernate's {@code ConstraintViolationException} and
 * {@code DataException}, {@code BatchUpdateException}. It stops at a {@link PermanentFailure} (the inbox's own
 * verdict, e.g. a result that cannot be stored, which stays a DEAD record).
 *
 * <p>Nothing here reads an exception's message: a database error's text may quote the offending row, and what is
 * derived from a definite failure goes to clients (an HTTP problem body) and log lines. The SQLState, the HTTP
 * status and the exception's class name say what class of failure it was; the full text is kept only in the
 * record's {@code last_error}, where the other failures' texts are.
 *
 * @param kind the class of failure
 * @param sqlState the SQLState of a database error ({@code 22001}), else null
 * @param httpStatus the status of a JAX-RS client error, else 0
 * @param exceptionType the class name of the exception that was recognized (in the cause chain)
 */
public record DefiniteFailure(Kind kind, String sqlState, int httpStatus, String exceptionType) {

    /** The classes of failures that are definite by default. */
    public enum Kind {
        /** SQLState class 22: a value does not fit its column or type (too long, out of range, bad format). */
        DATA_EXCEPTION("data exception", "data-exception"),
        /** SQLState class 23: a unique, foreign key, not-null or check constraint of the application's tables. */
        INTEGRITY_VIOLATION("integrity constraint violation", "integrity-violation"),
        /** A JAX-RS {@code WebApplicationException} with a 4xx status (except 408, 409, 425, 429). */
        CLIENT_ERROR("HTTP client error", "client-error"),
        /** A JSON-B {@code JsonbException}: JSON that does not bind to (or from) a Java type. */
        BINDING_ERROR("JSON-B binding error", "binding-error");

        private final String title;
        private final String code;

        Kind(String title, String code) {
            this.title = title;
            this.code = code;
        }

        /** Words for people: {@code data exception}. */
        public String title() {
            return title;
        }

        /** A stable token for machines (the {@code failure} member of an HTTP problem): {@code data-exception}. */
        public String code() {
            return code;
        }
    }

    /** Causes looked at, at most: a chain longer than this is a bug elsewhere, not a reason to loop. */
    static final int MAX_CAUSES = 32;

    private static final String WEB_APPLICATION_EXCEPTION = "jakarta.ws.rs.WebApplicationException";
    private static final String JSONB_EXCEPTION = "jakarta.json.bind.JsonbException";

    /**
     * The definite failure in {@code failure} or its causes, or empty when retrying might help (including a
     * {@link PermanentFailure}, which the inbox handles as before).
     */
    public static Optional<DefiniteFailure> classify(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> todo = new ArrayDeque<>();
        if (failure != null) {
            todo.add(failure);
        }
        while (!todo.isEmpty() && seen.size() < MAX_CAUSES) {
            Throwable t = todo.poll();
            if (!seen.add(t) || t instanceof PermanentFailure) {
                continue;
            }
            Optional<DefiniteFailure> found = recognize(t);
            if (found.isPresent()) {
                return found;
            }
            if (t instanceof SQLException sql && sql.getNextException() != null) {
                todo.add(sql.getNextException());
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
        }
        return Optional.empty();
    }

    private static Optional<DefiniteFailure> recognize(Throwable t) {
        String type = t.getClass().getName();
        if (t instanceof SQLException sql) {
            String state = sql.getSQLState();
            if (state != null && state.startsWith("22") || state == null && sql instanceof SQLDataException) {
                return Optional.of(new DefiniteFailure(Kind.DATA_EXCEPTION, state, 0, type));
            }
            if (state != null && state.startsWith("23")
                    || state == null && sql instanceof SQLIntegrityConstraintViolationException) {
                return Optional.of(new DefiniteFailure(Kind.INTEGRITY_VIOLATION, state, 0, type));
            }
            return Optional.empty();
        }
        // by name: the inbox must work where JAX-RS is absent (a plain message consumer), and need not load it
        if (isA(t.getClass(), WEB_APPLICATION_EXCEPTION)) {
            int status = httpStatus(t);
            return isDefiniteClientError(status)
                    ? Optional.of(new DefiniteFailure(Kind.CLIENT_ERROR, null, status, type)) : Optional.empty();
        }
        if (isA(t.getClass(), JSONB_EXCEPTION)) {
            return Optional.of(new DefiniteFailure(Kind.BINDING_ERROR, null, 0, type));
        }
        return Optional.empty();
    }

    /**
     * A 4xx other than those that mean "not now": 408 Request Timeout, 409 Conflict (Postbox itself answers 409
     * to a duplicate in progress), 425 Too Early and 429 Too Many Requests stay retryable.
     */
    static boolean isDefiniteClientError(int status) {
        return status >= 400 && status < 500 && status != 408 && status != 409 && status != 425 && status != 429;
    }

    private static boolean isA(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** {@code getResponse().getStatus()} of a WebApplicationException, or 0 when it has no response. */
    private static int httpStatus(Throwable wae) {
        try {
            Method getResponse = wae.getClass().getMethod("getResponse");
            Object response = getResponse.invoke(wae);
            if (response == null) {
                return 0;
            }
            Object status = response.getClass().getMethod("getStatus").invoke(response);
            return status instanceof Integer i ? i : 0;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * What it was, without any message text: {@code data exception (SQLState 22001, org.postgresql.util.PSQLException)}
     * or {@code HTTP client error (HTTP 404, jakarta.ws.rs.NotFoundException)}.
     */
    public String summary() {
        StringBuilder text = new StringBuilder(kind.title()).append(" (");
        if (sqlState != null) {
            text.append("SQLState ").append(sqlState).append(", ");
        }
        if (httpStatus != 0) {
            text.append("HTTP ").append(httpStatus).append(", ");
        }
        return text.append(exceptionType).append(')').toString();
    }
}
