package dev.postbox.it.harness;

import dev.postbox.testkit.TestDatabase;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * Builds test WARs the way Postbox users deploy on the server of this run ({@link Server#current()}): the
 * PostgreSQL driver in {@code WEB-INF/lib} (and Hibernate where the server has none), an application-scoped
 * {@code <data-source>} in {@code web.xml} pointing at the test's embedded PostgreSQL, a JTA persistence unit with the
 * server's properties, and a JAX-RS application under {@code /api}.
 *
 * <pre>{@code
 * @Deployment(testable = false)
 * static WebArchive war() {
 *     db = PostgresServer.shared().createDatabase("my_it");
 *     db.execute("create table ...");
 *     return ServerWar.create("my-it", db).addPackage(MyResource.class.getPackage());
 * }
 * }</pre>
 */
public final class ServerWar {

    /** JNDI name of the WAR's data source; the persistence unit uses it as its JTA data source. */
    public static final String DATA_SOURCE = "java:app/jdbc/postbox";
    /** Name of the persistence unit in the generated {@code persistence.xml}. */
    public static final String PERSISTENCE_UNIT = "postbox-it";

    private ServerWar() {
    }

    /**
     * A WAR named {@code name.war} (context root {@code /name}) with everything but the application classes:
     * WEB-INF/lib, web.xml with the data source, persistence.xml, beans.xml and {@link RestApplication}.
     */
    public static WebArchive create(String name, TestDatabase db) {
        WebArchive war = withoutDatabase(name)
                .setWebXML(new StringAsset(webXml(db)))
                .addAsResource(new StringAsset(persistenceXml()), "META-INF/persistence.xml");
        // MariaDB: its driver and Debezium's MariaDB connector, which a MariaDB application adds (the relay's optional
        // dependencies), copied by the build to target/mariadb-lib
        return isMariaDb(db) ? war.addAsLibraries(mariaDbLibraries()) : war;
    }

    /** The jars of {@code target/mariadb-lib} that {@code target/postbox-lib} does not have already. */
    private static File[] mariaDbLibraries() {
        Set<String> postbox = Stream.of(jars("postbox.postboxLibs", "target/postbox-lib")).map(File::getName)
                .collect(Collectors.toSet());
        return Stream.of(jars("postbox.mariadbLibs", "target/mariadb-lib")).filter(f -> !postbox.contains(f.getName()))
                .toArray(File[]::new);
    }

    private static boolean isMariaDb(TestDatabase db) {
        return ItDatabase.MARIADB.id().equals(db.product());
    }

    /** A WAR with WEB-INF/lib, beans.xml and {@link RestApplication}, but no data source and no persistence unit. */
    public static WebArchive withoutDatabase(String name) {
        return ShrinkWrap.create(WebArchive.class, name + ".war")
                .addAsLibraries(libraries())
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .addClass(RestApplication.class);
    }

    /**
     * Adds the Postbox modules (outbox, inbox, relay) and everything they need at runtime (Debezium, the Kafka
     * client, Jackson, slf4j with its java.util.logging binding) to {@code WEB-INF/lib}, the way an application
     * packages them. Their CDI extensions then start with the WAR: configure them (see {@link #config}).
     *
     * <p>Removes {@link RestApplication}: a JAX-RS application that relies on scanning (no classes listed) also
     * picks up the REST resources of Kafka Connect's runtime, a dependency of the Debezium engine, and the WAR fails
     * to start (WELD-001408, unsatisfied {@code Herder}). The WAR must bring an {@code Application} that lists its
     * resources in {@code getClasses()}.
     */
    public static WebArchive withPostbox(WebArchive war) {
        return war.deleteClass(RestApplication.class).addAsLibraries(jars("postbox.postboxLibs", "target/postbox-lib"));
    }

    /** Writes {@code values} as the WAR's {@code META-INF/microprofile-config.properties}. */
    public static WebArchive config(WebArchive war, Map<String, String> values) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(values).forEach((key, value) -> text.append(key).append('=')
                .append(value.replace("\\", "\\\\")).append('\n'));
        return war.addAsResource(new StringAsset(text.toString()), "META-INF/microprofile-config.properties");
    }

    /**
     * The PostgreSQL DDL scripts of the Postbox modules ({@code db/postbox/V1_1..V1_7}, outbox, inbox, relay, inbox
     * step, breaker tables, the inbox's trace column and its created-at index), read from the module jars on the test
     * class path, for {@code db.execute(...)}. Other databases: {@link ItDatabase#postboxSchema()}.
     */
    public static String[] postboxSchema() {
        return ItDatabase.POSTGRESQL.postboxSchema();
    }

    /**
     * The jars every test WAR gets in WEB-INF/lib: the PostgreSQL driver ({@code target/war-lib}) and, on a server
     * without Hibernate, Hibernate and its closure without the APIs the server provides ({@code
     * target/hibernate-lib}); both copied by the build.
     */
    public static File[] libraries() {
        File[] driver = jars("postbox.warLibs", "target/war-lib");
        if (!Server.current().bundlesHibernate()) {
            return driver;
        }
        return Stream.concat(Stream.of(driver), Stream.of(jars("postbox.hibernateLibs", "target/hibernate-lib")))
                .toArray(File[]::new);
    }

    private static File[] jars(String property, String where) {
        String dir = System.getProperty(property);
        if (dir == null) {
            throw new IllegalStateException("system property " + property + " is not set: run the tests through"
                    + " Maven (mvn -pl it-tests -am verify), which copies the WAR libraries to " + where);
        }
        try (Stream<Path> jars = Files.list(Paths.get(dir))) {
            File[] files = jars.filter(p -> p.toString().endsWith(".jar")).map(Path::toFile).toArray(File[]::new);
            if (files.length == 0) {
                throw new IllegalStateException("no jars in " + dir + " (" + property + ")");
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list WAR libraries in " + dir, e);
        }
    }

    /** A web.xml whose only content is the data source {@link #DATA_SOURCE} on {@code db}. */
    public static String webXml(TestDatabase db) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee"
                         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                         xsi:schemaLocation="https://jakarta.ee/xml/ns/jakartaee https://jakarta.ee/xml/ns/jakartaee/web-app_6_0.xsd"
                         version="6.0">
                %s
                </web-app>
                """.formatted(dataSource(db));
    }

    /**
     * The {@code <data-source>} element: a pooled, JTA-enlisted ({@code transactional}) data source over
     * {@code PGSimpleDataSource} (MariaDB: {@code MariaDbDataSource}), whose class comes from the WAR's own WEB-INF/lib. Element order matters: Payara
     * validates web.xml against the schema and, on a violation, deploys nothing (the test then sees 404s).
     */
    public static String dataSource(TestDatabase db) {
        if (isMariaDb(db)) {
            // MariaDB Connector/J 3's data source has a URL and no server/port/database properties
            return """
                      <data-source>
                        <name>%s</name>
                        <class-name>org.mariadb.jdbc.MariaDbDataSource</class-name>
                        <url>%s</url>
                        <user>%s</user>
                        <password>%s</password>
                        <transactional>true</transactional>
                        <initial-pool-size>1</initial-pool-size>
                        <max-pool-size>16</max-pool-size>
                        <min-pool-size>1</min-pool-size>
                      </data-source>
                    """.formatted(DATA_SOURCE, db.jdbcUrl(), db.user(), db.password());
        }
        return """
                  <data-source>
                    <name>%s</name>
                    <class-name>org.postgresql.ds.PGSimpleDataSource</class-name>
                    <server-name>%s</server-name>
                    <port-number>%d</port-number>
                    <database-name>%s</database-name>
                    <user>%s</user>
                    <password>%s</password>
                    <transactional>true</transactional>
                    <initial-pool-size>1</initial-pool-size>
                    <max-pool-size>16</max-pool-size>
                    <min-pool-size>1</min-pool-size>
                  </data-source>
                """.formatted(DATA_SOURCE, db.host(), db.port(), db.name(), db.user(), db.password());
    }

    /**
     * A JTA persistence unit with Hibernate and the properties of the server of this run
     * ({@link Server#persistenceProperties()}: on Payara the enhancer off and {@code SunOneJtaPlatform}).
     */
    public static String persistenceXml() {
        StringBuilder properties = new StringBuilder();
        Server.current().persistenceProperties().forEach((name, value) -> properties
                .append("      <property name=\"").append(name).append("\" value=\"").append(value).append("\"/>\n"));
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <persistence xmlns="https://jakarta.ee/xml/ns/persistence"
                             xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                             xsi:schemaLocation="https://jakarta.ee/xml/ns/persistence https://jakarta.ee/xml/ns/persistence/persistence_3_0.xsd"
                             version="3.0">
                  <persistence-unit name="%s" transaction-type="JTA">
                    <provider>org.hibernate.jpa.HibernatePersistenceProvider</provider>
                    <jta-data-source>%s</jta-data-source>
                    <exclude-unlisted-classes>false</exclude-unlisted-classes>
                    <properties>
                %s      <property name="jakarta.persistence.schema-generation.database.action" value="none"/>
                    </properties>
                  </persistence-unit>
                </persistence>
                """.formatted(PERSISTENCE_UNIT, DATA_SOURCE, properties);
    }

    /**
     * The messages of {@code failure} and all its causes, one per line: a failed deployment's reason is a few
     * causes deep in what {@code Deployer.deploy} throws.
     */
    public static String messages(Throwable failure) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }
}
