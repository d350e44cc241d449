package dev.postbox.relay.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Opens plain JDBC connections to the outbox database (the relay needs no pool: it opens few, rarely). */
final class Database {

    private final String url;
    private final Properties properties = new Properties();

    Database(RelayConfig config, String applicationName) {
        RelayConfig.Connection connection = config.connection();
        this.url = connection.jdbcUrl();
        properties.setProperty("user", connection.user());
        if (connection.password() != null) {
            properties.setProperty("password", connection.password());
        }
        properties.setProperty("ApplicationName", applicationName);
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "60");
        // so a relay on a dead TCP connection notices it, instead of holding a lock it no longer has
        properties.setProperty("tcpKeepAlive", "true");
    }

    Connection open() throws SQLException {
        // DriverManager may not see the driver from a WAR's class loader: register it explicitly
        return new org.postgresql.Driver().connect(url, properties);
    }

    String url() {
        return url;
    }
}
