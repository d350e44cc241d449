package dev.postbox.demo.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * payments.war as WildFly and Open Liberty need it, and as Payara Micro needs it on MariaDB ({@link #forMariaDb}). The WAR is built for Payara Micro (see the root README's quick
 * starts for what differs); for the other servers the launcher writes a copy (mode 600: it holds the database's
 * coordinates) with only these changes:
 *
 * <ul>
 * <li>{@code WEB-INF/web.xml}: the data source's {@code ${MPCONFIG=key}} placeholders, which only Payara resolves,
 * replaced by the values the launcher passes as MicroProfile Config;
 * <li>{@code persistence.xml}: without Payara's {@code hibernate.transaction.jta.platform} (WildFly's and Liberty's
 * own platforms apply; {@code SunOneJtaPlatform} fails there with {@code NameNotFoundException:
 * java:appserver/TransactionManager}); on Liberty with {@code hibernate.dialect} (Liberty hands Hibernate a stand-in
 * data source while it builds the factory: "Unable to determine Dialect");
 * <li>on WildFly, without Hibernate's jars ({@code hibernate-core}, {@code hibernate-commons-annotations}): WildFly's
 * Hibernate is the provider.
 * </ul>
 */
final class ServerWar {

    static final String WEB_XML = "WEB-INF/web.xml";
    static final String PERSISTENCE_XML = "WEB-INF/classes/META-INF/persistence.xml";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{MPCONFIG=([^}]+)}");
    private static final Pattern COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
    private static final Pattern JTA_PLATFORM = Pattern.compile(
            "\\s*<property\\s+name=\"hibernate\\.transaction\\.jta\\.platform\"[^>]*/>");
    private static final String PG_DATA_SOURCE_CLASS = "org.postgresql.ds.PGSimpleDataSource";
    private static final Pattern PG_DATA_SOURCE = Pattern.compile("<class-name>" + Pattern.quote(PG_DATA_SOURCE_CLASS)
            + "</class-name>(\\s*)<server-name>[^<]*</server-name>\\s*<port-number>[^<]*</port-number>\\s*"
            + "<database-name>[^<]*</database-name>");
    private static final Pattern HIBERNATE_JARS = Pattern.compile(
            "WEB-INF/lib/hibernate-(core|commons-annotations)-[^/]*\\.jar");
    /** The JDBC drivers the WAR may carry: Liberty needs them in a shared library too. */
    private static final Pattern DRIVER_JARS = Pattern.compile(
            "WEB-INF/lib/(postgresql|mariadb-java-client)-[^/]*\\.jar");

    private ServerWar() {
    }

    static Path forWildFly(Path war, Path dir, Map<String, String> config) throws IOException {
        return copy(war, dir.resolve("payments.war"), xml -> resolvePlaceholders(xml, config),
                xml -> persistence(xml, null), true);
    }

    static Path forLiberty(Path war, Path dir, Map<String, String> config) throws IOException {
        String dialect = dialect(config);
        return copy(war, dir.resolve("payments.war"), xml -> resolvePlaceholders(xml, config),
                xml -> persistence(xml, dialect), false);
    }

    /**
     * payments.war on Payara Micro with MariaDB ({@code -Ddemo.db=mariadb}): web.xml's data source is MariaDB
     * Connector/J's ({@link #mariaDbDataSource}) with its placeholders resolved; everything else as built (the WAR
     * carries the MariaDB driver and Debezium's MariaDB connector; Hibernate finds its MariaDB dialect itself).
     */
    static Path forMariaDb(Path war, Path dir, Map<String, String> config) throws IOException {
        return copy(war, dir.resolve("payments.war"), xml -> resolvePlaceholders(mariaDbDataSource(xml), config),
                UnaryOperator.identity(), false);
    }

    /**
     * web.xml's data source on MariaDB: {@code org.mariadb.jdbc.MariaDbDataSource} with a {@code <url>}
     * ({@code postbox.demo.db.url}) instead of PostgreSQL's class with server, port and database name.
     */
    static String mariaDbDataSource(String xml) {
        Matcher m = PG_DATA_SOURCE.matcher(xml);
        if (!m.find()) {
            throw new IllegalStateException(WEB_XML + " has no <class-name>" + PG_DATA_SOURCE_CLASS + "</class-name>"
                    + " followed by <server-name>, <port-number> and <database-name>: update"
                    + " ServerWar.mariaDbDataSource to the WAR's web.xml");
        }
        return m.replaceFirst(Matcher.quoteReplacement("<class-name>org.mariadb.jdbc.MariaDbDataSource</class-name>"
                + m.group(1) + "<url>${MPCONFIG=postbox.demo.db.url}</url>"));
    }

    /** Copies the JDBC driver jars of the WAR to {@code dir} (Liberty's shared library); returns {@code dir}. */
    static Path extractDrivers(Path war, Path dir) throws IOException {
        Files.createDirectories(dir);
        int found = 0;
        try (ZipFile zip = new ZipFile(war.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (DRIVER_JARS.matcher(entry.getName()).matches()) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        Files.copy(in, dir.resolve(entry.getName().substring("WEB-INF/lib/".length())),
                                StandardCopyOption.REPLACE_EXISTING);
                    }
                    found++;
                }
            }
        }
        if (found == 0) {
            throw new IllegalStateException("no JDBC driver (postgresql-*.jar, mariadb-java-client-*.jar) in " + war
                    + "'s WEB-INF/lib");
        }
        return dir;
    }

    /** The Hibernate dialect of the database the service's relay connects to ({@code postbox.relay.jdbc-url}). */
    static String dialect(Map<String, String> config) {
        String url = config.getOrDefault("postbox.relay.jdbc-url", "");
        if (url.startsWith("jdbc:postgresql:")) {
            return "org.hibernate.dialect.PostgreSQLDialect";
        }
        if (url.startsWith("jdbc:mariadb:")) {
            return "org.hibernate.dialect.MariaDBDialect";
        }
        throw new IllegalStateException("no Hibernate dialect known for postbox.relay.jdbc-url " + url
                + ": Open Liberty needs hibernate.dialect named (ServerWar.dialect)");
    }

    private static Path copy(Path war, Path target, UnaryOperator<String> webXml, UnaryOperator<String> persistenceXml,
            boolean dropHibernate) throws IOException {
        Files.createDirectories(target.getParent());
        Files.deleteIfExists(target);
        Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        List<String> changed = new ArrayList<>();
        try (ZipFile zip = new ZipFile(war.toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                String name = entry.getName();
                if (dropHibernate && HIBERNATE_JARS.matcher(name).matches()) {
                    changed.add(name);
                    continue;
                }
                UnaryOperator<String> edit = switch (name) {
                    case WEB_XML -> webXml;
                    case PERSISTENCE_XML -> persistenceXml;
                    default -> null;
                };
                out.putNextEntry(new ZipEntry(name));
                try (InputStream in = zip.getInputStream(entry)) {
                    if (edit == null) {
                        in.transferTo(out);
                    } else {
                        out.write(edit.apply(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                                .getBytes(StandardCharsets.UTF_8));
                        changed.add(name);
                    }
                }
                out.closeEntry();
            }
        }
        if (!changed.contains(WEB_XML) || !changed.contains(PERSISTENCE_XML)) {
            throw new IllegalStateException(war + " has no " + WEB_XML + " or no " + PERSISTENCE_XML
                    + ": not the payments WAR this launcher adapts");
        }
        return target;
    }

    /**
     * Replaces each {@code ${MPCONFIG=key}} with the XML-escaped value of {@code key}; comments (which mention the
     * placeholder syntax) are left out of the copy.
     */
    static String resolvePlaceholders(String xml, Map<String, String> config) {
        Matcher m = PLACEHOLDER.matcher(COMMENT.matcher(xml).replaceAll(""));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String value = config.get(key);
            if (value == null) {
                throw new IllegalStateException(WEB_XML + " refers to ${MPCONFIG=" + key + "}, which the launcher"
                        + " does not set: add it to Demo.serviceConfiguration()");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(escape(value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Without Payara's JTA platform; with {@code hibernate.dialect} when one is given. */
    static String persistence(String xml, String dialect) {
        Matcher m = JTA_PLATFORM.matcher(xml);
        if (!m.find()) {
            throw new IllegalStateException(PERSISTENCE_XML + " has no hibernate.transaction.jta.platform property:"
                    + " update ServerWar to the WAR's persistence.xml");
        }
        String result = m.replaceAll("");
        if (dialect != null) {
            result = result.replaceFirst("</properties>", Matcher.quoteReplacement(
                    "  <property name=\"hibernate.dialect\" value=\"" + dialect + "\"/>\n    </properties>"));
        }
        return result;
    }

    static String escape(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&apos;");
    }
}
