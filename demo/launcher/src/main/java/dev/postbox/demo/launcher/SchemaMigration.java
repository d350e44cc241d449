package dev.postbox.demo.launcher;

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
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Applies the schema the WAR carries, the way Flyway would before the application starts: Postbox's scripts
 * ({@code db/postbox/V*.sql} inside {@code WEB-INF/lib/postbox-*.jar}: outbox, inbox, relay), then the service's
 * own ({@code WEB-INF/classes/db/payments/V*.sql}); on MariaDB those of {@code db/mariadb/postbox/} and
 * {@code db/mariadb/payments/}, one statement per call (MariaDB's driver runs one per call). Reading them from the
 * WAR means the database always matches exactly what is deployed.
 */
final class SchemaMigration {

    private SchemaMigration() {
    }

    /** @return the scripts applied, in order */
    static List<String> apply(Path war, DemoDatabase db) throws IOException, SQLException {
        String postboxFolder = db.kind().postboxScripts();
        String appFolder = "WEB-INF/classes/" + db.kind().paymentsScripts();
        Map<String, String> postbox = new TreeMap<>();
        Map<String, String> app = new TreeMap<>();
        try (ZipFile zip = new ZipFile(war.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String name = e.getName();
                if (name.startsWith("WEB-INF/lib/postbox-") && name.endsWith(".jar")) {
                    try (InputStream in = zip.getInputStream(e)) {
                        postbox.putAll(scripts(in.readAllBytes(), postboxFolder));
                    }
                } else if (name.startsWith(appFolder) && name.indexOf('/', appFolder.length()) < 0
                        && name.endsWith(".sql")) {
                    try (InputStream in = zip.getInputStream(e)) {
                        app.put(name.substring(name.lastIndexOf('/') + 1),
                                new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        if (postbox.size() < 3 || app.isEmpty()) {
            throw new IllegalStateException("expected Postbox's outbox, inbox and relay scripts (" + postboxFolder
                    + ") and the payments schema (" + appFolder + ") in " + war + ", found " + postbox.keySet()
                    + " and " + app.keySet());
        }
        List<String> applied = new ArrayList<>();
        boolean oneByOne = db.kind() == DemoDatabase.Kind.MARIADB;
        try (Connection c = db.database().dataSource().getConnection(); Statement s = c.createStatement()) {
            for (Map<String, String> scripts : List.of(postbox, app)) {
                for (Map.Entry<String, String> script : scripts.entrySet()) {
                    for (String sql : oneByOne ? statements(script.getValue()).toList()
                            : List.of(script.getValue())) {
                        s.execute(sql);
                    }
                    applied.add(script.getKey());
                }
            }
        }
        return applied;
    }

    /** The statements of a script without procedures: comment lines left out, split at each {@code ;}. */
    static Stream<String> statements(String script) {
        StringBuilder sql = new StringBuilder();
        script.lines().filter(line -> !line.trim().startsWith("--")).forEach(line -> sql.append(line).append('\n'));
        return Stream.of(sql.toString().split(";")).map(String::trim).filter(s -> !s.isEmpty());
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
