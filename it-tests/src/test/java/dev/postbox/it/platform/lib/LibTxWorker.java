package dev.postbox.it.platform.lib;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/** What an inbox retry would do: its own transaction, whatever the caller's is. */
@ApplicationScoped
public class LibTxWorker {

    /** Inserts {@code label} in a new transaction and returns that transaction's key. */
    @Transactional(TxType.REQUIRES_NEW)
    public String insertInNewTransaction(String label) {
        try {
            InitialContext jndi = new InitialContext();
            TransactionSynchronizationRegistry tsr =
                    (TransactionSynchronizationRegistry) jndi.lookup("java:comp/TransactionSynchronizationRegistry");
            DataSource ds = (DataSource) jndi.lookup("java:app/jdbc/postbox");
            try (Connection c = ds.getConnection();
                    PreparedStatement s = c.prepareStatement("insert into lib_probe (label) values (?)")) {
                s.setString(1, label);
                s.executeUpdate();
            }
            return String.valueOf(tsr.getTransactionKey());
        } catch (NamingException | SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
