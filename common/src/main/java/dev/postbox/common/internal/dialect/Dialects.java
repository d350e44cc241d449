package dev.postbox.common.internal.dialect;

import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.common.internal.config.ConfigKey;
import dev.postbox.common.internal.config.ConfigReader;
import dev.postbox.common.internal.config.ConfigSource;
import dev.postbox.common.internal.config.KeySet;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which {@link Dialect} applies: the one {@code postbox.dialect} forces, else the one matching the database
 * product name of the connection's {@link DatabaseMetaData}. One key for every module, since the outbox, the
 * inbox and the relay's tables live in the same database.
 */
public final class Dialects {

    public static final String AUTO = "auto";
    public static final String POSTGRESQL = "postgresql";
    public static final String MARIADB = "mariadb";

    public static final ConfigKey<String> DIALECT = ConfigKey.choice("postbox.dialect", AUTO, POSTGRESQL, MARIADB)
            .defaultValue(AUTO)
            .description("SQL dialect of the database holding Postbox's tables: `postgresql`, `mariadb`, or `auto` "
                    + "(chosen from the JDBC metadata's product name on first use).");

    /**
     * For reading {@link #DIALECT} only: the key lies under no module's prefix, so no module reports it unknown
     * and this set is never used to reject names.
     */
    public static final KeySet KEYS = KeySet.of("common", "postbox.", List.of(DIALECT));

    private Dialects() {
    }

    /** Every dialect, by key. */
    public static List<Dialect> all() {
        return List.of(PostgresDialect.INSTANCE, MariaDbDialect.INSTANCE);
    }

    public static Dialect postgresql() {
        return PostgresDialect.INSTANCE;
    }

    public static Dialect mariadb() {
        return MariaDbDialect.INSTANCE;
    }

    /**
     * The dialect {@code postbox.dialect} forces, or empty for {@code auto} (unset).
     *
     * @throws PostboxConfigurationException for a value that names no dialect
     */
    public static Optional<Dialect> forced(ConfigSource source) {
        return byKey(ConfigReader.of(KEYS, source).get(DIALECT));
    }

    /** The dialect of a {@code postbox.dialect} value; empty for {@code auto}. */
    public static Optional<Dialect> byKey(String key) {
        if (key == null || AUTO.equals(key)) {
            return Optional.empty();
        }
        for (Dialect dialect : all()) {
            if (dialect.key().equals(key)) {
                return Optional.of(dialect);
            }
        }
        throw new PostboxConfigurationException(DIALECT.name(), key, DIALECT.allowed());
    }

    /**
     * The dialect for a database product name as JDBC reports it ({@code PostgreSQL}, {@code MariaDB}).
     *
     * @param where names the data source or key in the message
     * @throws PostboxConfigurationException for a product Postbox has no dialect for
     */
    public static Dialect forProduct(String productName, String where) {
        String p = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
        if (p.contains("postgresql")) {
            return PostgresDialect.INSTANCE;
        }
        if (p.contains("mariadb")) {
            return MariaDbDialect.INSTANCE;
        }
        throw new PostboxConfigurationException(DIALECT.name(), AUTO, "Postbox has no SQL dialect for the database "
                + "product '" + productName + "' of " + where + "; supported: PostgreSQL and MariaDB (MySQL, Oracle "
                + "and SQL Server are not supported yet). If this database speaks one of them, set "
                + DIALECT.name() + " to " + POSTGRESQL + " or " + MARIADB);
    }

    /** {@link #forProduct} with the product name of {@code metaData}. */
    public static Dialect detect(DatabaseMetaData metaData, String where) throws SQLException {
        return forProduct(metaData.getDatabaseProductName(), where);
    }
}
