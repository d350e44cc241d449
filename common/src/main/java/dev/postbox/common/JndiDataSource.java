package dev.postbox.common;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NameNotFoundException;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * The data source configured under a Postbox key (e.g. {@code postbox.inbox.datasource}), found by its JNDI name.
 *
 * <p>Why not simply look it up when the application starts: Payara binds the names of a web application's
 * component environment, among them the data sources it defines itself ({@code <data-source>} in web.xml,
 * {@code @DataSourceDefinition}), when the web module starts, which is <em>after</em> CDI fired
 * {@code @Initialized(ApplicationScoped.class)}. A lookup from a start-up observer then fails with
 * {@link NameNotFoundException} although the name is right (measured in it-tests). So a name that is not bound
 * yet is looked up again when a connection is first needed (request and managed threads see the application's
 * names by then); if it is still missing then, that call fails naming the key.
 */
public final class JndiDataSource implements DataSource {

    /** Looks a JNDI name up; {@code InitialContext} in production, a stand-in in tests. */
    @FunctionalInterface
    public interface Lookup {
        Object lookup(String name) throws NamingException;
    }

    private static final Logger LOG = Logger.getLogger(JndiDataSource.class.getName());

    private final String key;
    private final String jndiName;
    private final Lookup lookup;
    private volatile DataSource resolved;

    private JndiDataSource(String key, String jndiName, Lookup lookup) {
        this.key = key;
        this.jndiName = jndiName;
        this.lookup = lookup;
    }

    /** {@link #resolve(String, String, Lookup)} with {@code new InitialContext().lookup(name)}. */
    public static DataSource resolve(String key, String jndiName) {
        return resolve(key, jndiName, name -> new InitialContext().lookup(name));
    }

    /**
     * The data source bound under {@code jndiName} if it is bound now; if the name is not bound yet, one that looks
     * it up on first use.
     *
     * @param key the configuration key that names the data source, for messages
     * @throws PostboxConfigurationException when the name is bound to something else than a {@link DataSource},
     *     or when there is no JNDI at all (nothing could ever be found)
     */
    public static DataSource resolve(String key, String jndiName, Lookup lookup) {
        JndiDataSource lazy = new JndiDataSource(key, jndiName, lookup);
        try {
            return lazy.lookUp();
        } catch (NamingException e) {
            if (!notBound(e)) {
                throw notFound(key, jndiName, e);
            }
            LOG.info(() -> key + "=" + jndiName + " is not bound while the application "
                    + "starts (application servers such as Payara bind the data sources an application defines "
                    + "itself a little later); it is looked up again on first use");
            return lazy;
        }
    }

    /**
     * Payara reports an unbound name as a NamingException whose root cause is the NameNotFoundException
     * ({@code NamingException.getCause()} is its root cause).
     */
    private static boolean notBound(NamingException e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            if (t instanceof NameNotFoundException) {
                return true;
            }
        }
        return false;
    }

    private DataSource lookUp() throws NamingException {
        DataSource current = resolved;
        if (current != null) {
            return current;
        }
        Object found = lookup.lookup(jndiName);
        if (found == null) {
            throw new NameNotFoundException(jndiName);
        }
        if (!(found instanceof DataSource dataSource)) {
            throw new PostboxConfigurationException(key, jndiName, "is bound to a " + found.getClass().getName()
                    + ", not a javax.sql.DataSource");
        }
        resolved = dataSource;
        return dataSource;
    }

    private DataSource target() throws SQLException {
        try {
            return lookUp();
        } catch (NamingException e) {
            throw new SQLException(notFound(key, jndiName, e).getMessage(), e);
        }
    }

    private static PostboxConfigurationException notFound(String key, String jndiName, NamingException e) {
        return new PostboxConfigurationException(key, jndiName, "no data source is bound under that JNDI name ("
                + e + "). Set it to the jta-data-source of your persistence unit, e.g. java:app/jdbc/orders");
    }

    @Override
    public Connection getConnection() throws SQLException {
        return target().getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return target().getConnection(username, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target().getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target().setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target().setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target().getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        try {
            return target().getParentLogger();
        } catch (SQLFeatureNotSupportedException e) {
            throw e;
        } catch (SQLException e) {
            throw new SQLFeatureNotSupportedException(e.getMessage(), e);
        }
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : target().unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || target().isWrapperFor(type);
    }

    @Override
    public String toString() {
        return "JndiDataSource[" + key + "=" + jndiName + (resolved == null ? ", not looked up yet]" : "]");
    }
}
