package dev.postbox.demo.launcher;

import dev.postbox.testkit.PostgresServer.Database;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Applies the schema the WAR carries, the way Flyway would before the application starts: Postbox's scripts
 * ({@code db/postbox/V*.sql} inside {@code WEB-INF/lib/postbox-*.jar}: outbox, inbox, relay), then the service's
 * own ({@code WEB-INF/classes/db/payments/V*.sql}). Reading them from the WAR means the database always matches
 * exactly what is deployed.
 */
final class SchemaMigration {

    private SchemaMigration() {
    }

    /** @return the scripts applied, in order */
    static List<String> apply(Path war, Database db) throws IOException, SQLException {
        Map<String, String> postbox = new TreeMap<>();
        Map<String, String> app = new TreeMap<>();
        try (ZipFile zip = new ZipFile(war.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String name = e.getName();
                if (name.startsWith("WEB-INF/lib/postbox-") && name.endsWith(".jar")) {
                    try (InputStream in = zip.getInputStream(e)) {
                        postbox.putAll(scripts(in.readAllBytes(), "db/postbox/"));
                    }
                } else if (name.startsWith("WEB-INF/classes/db/payments/") && name.endsWith(".sql")) {
                    try (InputStream in = zip.getInputStream(e)) {
                        app.put(name.substring(name.lastIndexOf('/') + 1),
                                new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        if (postbox.size() < 3 || app.isEmpty()) {
            throw new IllegalStateException("expected Postbox's outbox, inbox and relay scripts and the payments"
                    + " schema in " + war + ", found " + postbox.keySet() + " and " + app.keySet());
        }
        List<String> applied = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (Map<String, String> scripts : List.of(postbox, app)) {
                for (Map.Entry<String, String> script : scripts.entrySet()) {
                    s.execute(script.getValue());
                    applied.add(script.getKey());
                }
            }
        }
        return applied;
    }

    private static Map<String, String> scripts(byte[] jar, String folder) throws IOException {
        Map<String, String> found = new TreeMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().startsWith(folder) && e.getName().endsWith(".sql")) {
                    found.put(e.getName().substring(folder.length()), new String(in.readAllBytes(),
                            StandardCharsets.UTF_8));
                }
            }
        }
        return found;
    }
}
