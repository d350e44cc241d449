package dev.postbox.inbox.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.inbox.internal.engine.DefiniteFailure.Kind;
import jakarta.json.bind.JsonbException;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.RollbackException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import java.io.IOException;
import java.sql.BatchUpdateException;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure decision "can a retry ever fix this?", on the failures and wrappers applications really throw. */
class DefiniteFailureTest {

    /** Shaped like Hibernate's {@code JDBCException} subclasses: the SQLException is the cause. */
    static final class ConstraintViolationException extends RuntimeException {
        ConstraintViolationException(String message, SQLException cause) {
            super(message, cause);
        }
    }

    private static SQLException pg(String state, String message) {
        return new SQLException("ERROR: " + message, state);
    }

    @Test
    void aDataErrorIsDefiniteAtAnyDepthOfTheUsualWrappers() {
        SQLException tooLong = pg("22001", "value too long for type character varying(255)");
        RollbackException atCommit = new RollbackException("beforeCompletion failed");
        atCommit.initCause(new PersistenceException("flush failed", new ConstraintViolationException("insert", tooLong)));

        DefiniteFailure found = DefiniteFailure.classify(new IllegalStateException("tx", atCommit)).orElseThrow();
        assertThat(found.kind()).isEqualTo(Kind.DATA_EXCEPTION);
        assertThat(found.sqlState()).isEqualTo("22001");
        assertThat(found.summary()).isEqualTo("data exception (SQLState 22001, java.sql.SQLException)")
                .doesNotContain("varchar", "character varying");
    }

    @Test
    void anIntegrityViolationIsDefiniteAndASerializationFailureIsNot() {
        assertThat(DefiniteFailure.classify(new PersistenceException(pg("23505", "duplicate key")))
                .map(DefiniteFailure::kind)).contains(Kind.INTEGRITY_VIOLATION);
        assertThat(DefiniteFailure.classify(pg("23503", "foreign key")).map(DefiniteFailure::sqlState))
                .contains("23503");
        assertThat(DefiniteFailure.classify(pg("40001", "could not serialize access"))).isEmpty();
        assertThat(DefiniteFailure.classify(pg("40P01", "deadlock detected"))).isEmpty();
        assertThat(DefiniteFailure.classify(new SQLTransientConnectionException("gone", "08006"))).isEmpty();
    }

    @Test
    void aBatchFailureIsReadFromItsNextException() {
        BatchUpdateException batch = new BatchUpdateException("Batch entry 0 was aborted", null, 0, new int[0]);
        batch.setNextException(pg("22003", "numeric field overflow"));
        assertThat(DefiniteFailure.classify(batch).map(DefiniteFailure::sqlState)).contains("22003");
    }

    @Test
    void aDriverThatGivesNoSqlStateIsJudgedByTheJdbcSubclass() {
        assertThat(DefiniteFailure.classify(new SQLDataException("too long")).map(DefiniteFailure::kind))
                .contains(Kind.DATA_EXCEPTION);
        assertThat(DefiniteFailure.classify(new java.sql.SQLIntegrityConstraintViolationException("dup"))
                .map(DefiniteFailure::kind)).contains(Kind.INTEGRITY_VIOLATION);
        assertThat(DefiniteFailure.classify(new SQLException("no state"))).isEmpty();
    }

    @Test
    void aClientErrorIsDefiniteExceptTheStatusesThatMeanNotNow() {
        DefiniteFailure notFound = DefiniteFailure.classify(new RuntimeException(new NotFoundException()))
                .orElseThrow();
        assertThat(notFound.kind()).isEqualTo(Kind.CLIENT_ERROR);
        assertThat(notFound.httpStatus()).isEqualTo(404);
        assertThat(notFound.summary()).isEqualTo("HTTP client error (HTTP 404, jakarta.ws.rs.NotFoundException)");
        assertThat(DefiniteFailure.classify(new ClientErrorException(400))).isPresent();
        for (int notNow : new int[] {408, 409, 425, 429}) {
            assertThat(DefiniteFailure.classify(new ClientErrorException(notNow))).as("HTTP " + notNow).isEmpty();
        }
        assertThat(DefiniteFailure.classify(new WebApplicationException(503))).isEmpty();
        assertThat(DefiniteFailure.classify(new WebApplicationException(500))).isEmpty();
    }

    @Test
    void aJsonbBindingErrorIsDefinite() {
        assertThat(DefiniteFailure.classify(new IllegalArgumentException(new JsonbException("cannot bind 'amount'")))
                .map(DefiniteFailure::kind)).contains(Kind.BINDING_ERROR);
    }

    @Test
    void ordinaryFailuresAndTheInboxsOwnPermanentFailuresAreNotDefinite() {
        assertThat(DefiniteFailure.classify(new IOException("connection reset"))).isEmpty();
        assertThat(DefiniteFailure.classify(new IllegalStateException("timeout"))).isEmpty();
        assertThat(DefiniteFailure.classify(null)).isEmpty();
        // a result that cannot be stored is the inbox's verdict (DEAD), even though JSON-B caused it
        assertThat(DefiniteFailure.classify(new InboxEngine.ResultNotStorableException(new JsonbException("x"))))
                .isEmpty();
    }

    @Test
    void aCauseCycleEnds() {
        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b);
        assertThat(DefiniteFailure.classify(a)).isEqualTo(Optional.empty());
    }
}
