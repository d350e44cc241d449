package dev.postbox.bench;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A minimal "pool": every thread keeps one open connection, so that benchmarks measure transactions and not
 * connection set-up (an application server pools connections too). Closing returns it to auto-commit.
 */
final class ThreadConnections implements DataSource {

    private final DataSource physical;
    private final ThreadLocal<Connection> connections = new ThreadLocal<>();

    ThreadConnections(DataSource physical) {
        this.physical = physical;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection c = connections.get();
        if (c == null || c.isClosed()) {
            c = physical.getConnection();
            connections.set(c);
        }
        Connection target = c;
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        if (!target.getAutoCommit()) {
                            target.rollback();
                            target.setAutoCommit(true);
                        }
                        return null;
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Closes this thread's physical connection (its backend then flushes its statistics at once). */
    void closeCurrent() throws SQLException {
        Connection c = connections.get();
        connections.remove();
        if (c != null) {
            c.close();
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
