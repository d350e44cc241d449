package dev.postbox.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import javax.sql.XADataSource;

/**
 * One database on one of the test kit's servers ({@link PostgresServer}, {@link MariaDbServer}), as the tests that
 * run on every database see it: its coordinates, fresh unpooled data sources, and two helpers for fixtures.
 */
public interface TestDatabase {

    /** The product this database runs on, in the spelling of {@code postbox.dialect}. */
    String product();

    String name();

    String host();

    int port();

    String user();

    String password();

    String jdbcUrl();

    /** A fresh, unpooled data source: every {@code getConnection()} opens a new connection. */
    DataSource dataSource();

    /** An XA data source on the same database, for tests on a complete transaction manager (Narayana). */
    XADataSource xaDataSource();

    /** Runs SQL statements (DDL, fixtures) in autocommit mode. */
    default void execute(String... sql) {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + name() + ": " + e.getMessage(), e);
        }
    }

    /** Runs a query that returns one number, e.g. {@code select count(*) from t}. */
    default long queryLong(String sql) {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new IllegalStateException("no row for: " + sql);
            }
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + name() + ": " + e.getMessage(), e);
        }
    }
}
