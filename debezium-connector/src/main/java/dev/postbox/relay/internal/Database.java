package dev.postbox.relay.internal;

import dev.postbox.common.internal.dialect.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/** Opens plain JDBC connections to the outbox database (the relay needs no pool: it opens few, rarely). */
final class Database {

    private final String url;
    private final Dialect dialect;
    private final boolean mariaDb;
    private final Properties properties = new Properties();

    Database(RelayConfig config, String applicationName) {
        RelayConfig.Connection connection = config.connection();
        this.url = connection.jdbcUrl();
        this.dialect = connection.dialect();
        this.mariaDb = connection.isMariaDb();
        properties.setProperty("user", connection.user());
        if (connection.password() != null) {
            properties.setProperty("password", connection.password());
        }
        if (mariaDb) {
            // MariaDB Connector/J: timeouts in milliseconds
            properties.setProperty("connectTimeout", "10000");
            properties.setProperty("socketTimeout", "60000");
        } else {
            properties.setProperty("ApplicationName", applicationName);
            properties.setProperty("connectTimeout", "10");
            properties.setProperty("socketTimeout", "60");
        }
        // so a relay on a dead TCP connection notices it, instead of holding a lock it no longer has
        properties.setProperty("tcpKeepAlive", "true");
    }

    Connection open() throws SQLException {
        // DriverManager may not see the driver from a WAR's class loader: register it explicitly
        return mariaDb ? openMariaDb() : new org.postgresql.Driver().connect(url, properties);
    }

    private Connection openMariaDb() throws SQLException {
        try {
            return new org.mariadb.jdbc.Driver().connect(url, properties);
        } catch (NoClassDefFoundError e) {
            throw new SQLException("postbox.relay.jdbc-url is a MariaDB URL but MariaDB's JDBC driver is not on the "
                    + "class path: add org.mariadb.jdbc:mariadb-java-client and io.debezium:debezium-connector-mariadb "
                    + "to the application (optional dependencies of postbox-debezium)", e);
        }
    }

    Dialect dialect() {
        return dialect;
    }

    String url() {
        return url;
    }
}
