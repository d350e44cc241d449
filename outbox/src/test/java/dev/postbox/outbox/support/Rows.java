package dev.postbox.outbox.support;

import dev.postbox.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads rows back with plain JDBC, outside any transaction of the code under test. */
public final class Rows {

    private Rows() {
    }

    public static List<Map<String, Object>> query(TestDatabase db, String sql) {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= columns; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public static List<String> strings(TestDatabase db, String sql) {
        return query(db, sql).stream().map(r -> String.valueOf(r.values().iterator().next())).toList();
    }

    /** A logical replication slot with the test_decoding plugin, to see what the write-ahead log carries. */
    public static final class LogSlot implements AutoCloseable {
        private final TestDatabase db;
        private final String name;

        public LogSlot(TestDatabase db, String name) {
            this.db = db;
            this.name = name;
            db.execute("select pg_create_logical_replication_slot('" + name + "', 'test_decoding')");
        }

        /** Changes since the last call, in log order, one line per change (BEGIN/COMMIT included). */
        public List<String> changes() {
            return strings(db, "select data from pg_logical_slot_get_changes('" + name + "', null, null)");
        }

        @Override
        public void close() {
            db.execute("select pg_drop_replication_slot('" + name + "')");
        }
    }
}
