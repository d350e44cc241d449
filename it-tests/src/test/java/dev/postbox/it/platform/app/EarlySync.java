package dev.postbox.it.platform.app;

import jakarta.transaction.Synchronization;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Registered before the JPA change: does it see the flushed row when its beforeCompletion runs? */
final class EarlySync implements Synchronization {

    private final long accountId;
    private final Connection held;

    /** {@code hold}: take the connection now, while the transaction is active, and use it at commit. */
    EarlySync(long accountId, boolean hold) {
        this.accountId = accountId;
        try {
            this.held = hold ? Jndi.<DataSource>lookup("java:app/jdbc/postbox").getConnection() : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void beforeCompletion() {
        DataSource ds = Jndi.lookup("java:app/jdbc/postbox");
        try (Connection c = held != null ? held : ds.getConnection();
                PreparedStatement s = c.prepareStatement("select balance from account where id = ?")) {
            s.setLong(1, accountId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                Trace.add("early:beforeCompletion balance=" + rs.getLong(1) + " pid=" + OutboxSync.backendPid(c)
                        + " autocommit=" + c.getAutoCommit());
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void afterCompletion(int status) {
        Trace.add("early:afterCompletion status=" + status);
    }
}
