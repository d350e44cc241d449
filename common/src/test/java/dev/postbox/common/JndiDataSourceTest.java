package dev.postbox.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.naming.NameNotFoundException;
import javax.naming.NamingException;
import javax.naming.NoInitialContextException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class JndiDataSourceTest {

    private static final String KEY = "postbox.inbox.datasource";
    private static final String NAME = "java:app/jdbc/orders";

    private final Map<String, Object> bindings = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();

    private final JndiDataSource.Lookup lookup = name -> {
        lookups.incrementAndGet();
        Object bound = bindings.get(name);
        if (bound == null) {
            throw new NameNotFoundException("No object bound to name " + name);
        }
        return bound;
    };

    @Test
    void boundNameIsUsedAsIs() {
        DataSource target = new FakeDataSource();
        bindings.put(NAME, target);

        assertThat(JndiDataSource.resolve(KEY, NAME, lookup)).isSameAs(target);
    }

    @Test
    void nameBoundAfterStartUpIsLookedUpOnFirstUseAndThenKept() throws SQLException {
        DataSource lazy = JndiDataSource.resolve(KEY, NAME, lookup); // not bound yet: no failure

        bindings.put(NAME, new FakeDataSource());
        assertThat(lazy.getConnection()).isNotNull();
        assertThat(lazy.getConnection()).isNotNull();
        assertThat(lookups).hasValue(2); // the failed one at start-up, one on first use
    }

    @Test
    void notBoundReportedTheWayPayaraDoesIsLookedUpAgainToo() throws SQLException {
        // Payara: NamingException("Lookup failed for ...") with the NameNotFoundException as root cause
        DataSource lazy = JndiDataSource.resolve(KEY, NAME, name -> {
            Object bound = bindings.get(name);
            if (bound == null) {
                NamingException failed = new NamingException("Lookup failed for '" + name + "' in SerialContext");
                failed.setRootCause(new NameNotFoundException("No object bound to name " + name));
                throw failed;
            }
            return bound;
        });

        bindings.put(NAME, new FakeDataSource());
        assertThat(lazy.getConnection()).isNotNull();
    }

    @Test
    void nameStillMissingOnFirstUseFailsThatCallNamingTheKey() {
        DataSource lazy = JndiDataSource.resolve(KEY, NAME, lookup);

        assertThatThrownBy(lazy::getConnection).isInstanceOf(SQLException.class)
                .hasMessageContaining(KEY + "='" + NAME + "'").hasMessageContaining("no data source is bound");
    }

    @Test
    void withoutJndiAtAllTheStartFails() {
        assertThatThrownBy(() -> JndiDataSource.resolve(KEY, NAME, name -> {
            throw new NoInitialContextException("no JNDI here");
        })).isInstanceOf(PostboxConfigurationException.class).hasMessageContaining(KEY + "='" + NAME + "'");
    }

    @Test
    void somethingElseThanADataSourceFailsTheStart() {
        bindings.put(NAME, "a string");

        assertThatThrownBy(() -> JndiDataSource.resolve(KEY, NAME, lookup))
                .isInstanceOf(PostboxConfigurationException.class).hasMessageContaining("not a javax.sql.DataSource");
    }

    /** A data source handing out dummy connections. */
    private static final class FakeDataSource implements DataSource {
        @Override
        public Connection getConnection() {
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> null);
        }

        @Override
        public Connection getConnection(String user, String password) {
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
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            return null;
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
