package dev.postbox.it.platform.app;

import dev.postbox.it.platform.lib.LibTxWorker;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

@ApplicationScoped
public class OuterTransaction {

    /** Rolls the outer transaction back (a RuntimeException), carrying both transaction keys. */
    public static class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failed(String message) {
            super(message);
        }
    }

    @Inject
    LibTxWorker worker;

    @Resource(lookup = "java:app/jdbc/postbox")
    DataSource ds;

    @Resource
    TransactionSynchronizationRegistry tsr;

    @Transactional
    public void insertThenFail() {
        try (Connection c = ds.getConnection();
                PreparedStatement s = c.prepareStatement("insert into lib_probe (label) values ('outer')")) {
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        String inner = worker.insertInNewTransaction("inner");
        throw new Failed("outer=" + tsr.getTransactionKey() + " inner=" + inner);
    }
}
