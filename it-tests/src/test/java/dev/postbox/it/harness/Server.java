package dev.postbox.it.harness;

import java.net.MalformedURLException;
import java.net.URL;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The application servers the suite runs on, and what differs between them in a WAR. The server of a run comes from
 * the system property {@value #PROPERTY}, which the build sets per failsafe execution together with
 * {@code arquillian.launch} (the container qualifier in {@code arquillian.xml}, equal to {@link #id()}).
 *
 * <p>To add a server: a constant here, a container in {@code arquillian.xml}, a failsafe execution and a profile in
 * the pom (see the module README, "Adding a server").
 */
public enum Server {

    /**
     * Payara Micro 6: Hibernate is not part of the server, so the WAR bundles it; its enhancer must stay off
     * (Payara's class transformer otherwise runs it and fails with {@code ClassCircularityError} on
     * {@code CorePrefixFilter}) and its JTA platform is named explicitly.
     */
    PAYARA("payara", "Payara Micro", true, PayaraSettings.SERVER_CLASSES, PayaraSettings.PERSISTENCE),

    /**
     * Payara Micro 7 (Jakarta EE 11), for {@code PostboxIT} only: the WAR is the one built for Payara Micro 6,
     * unchanged, so the run shows whether an application built today works on the next platform.
     */
    PAYARA7("payara7", "Payara Micro 7", true, PayaraSettings.SERVER_CLASSES, PayaraSettings.PERSISTENCE),

    /**
     * WildFly (standalone-microprofile.xml): Hibernate is the server's (a second copy in the WAR is not wanted) and
     * so is the JTA platform; Payara's {@code SunOneJtaPlatform} fails here with {@code NameNotFoundException:
     * java:appserver/TransactionManager}.
     */
    WILDFLY("wildfly", "WildFly", false,
            List.of("com.fasterxml.jackson.", "org.slf4j.LoggerFactory", "org.hibernate."), Map.of()),

    /**
     * Open Liberty with {@code persistenceContainer-3.1} (JPA without Liberty's EclipseLink): the WAR bundles
     * Hibernate, and Hibernate finds Liberty's transaction manager by itself ({@code WebSphereLibertyJtaPlatform});
     * the enhancer stays off as on Payara. The dialect must be named: Liberty hands the provider a "Generic Component
     * Context DataSource" while it creates the factory, whose metadata names no database ("Unable to determine
     * Dialect"). The server's configuration is {@link CheckedLibertyContainer#SERVER_XML}. The PostgreSQL driver is
     * loaded from the server's {@code global} shared library: Liberty loads an application-defined data source's
     * driver only from a shared library (J2CA8022E otherwise). Jackson is the WAR's.
     */
    LIBERTY("liberty", "Open Liberty", true, List.of("org.postgresql."), Map.of(
            "hibernate.dialect", "org.hibernate.dialect.PostgreSQLDialect",
            "hibernate.enhancer.enableDirtyTracking", "false",
            "hibernate.enhancer.enableLazyInitialization", "false",
            "hibernate.enhancer.enableAssociationManagement", "false"));

    /** What Payara Micro 6 and 7 share (a holder: enum constants cannot read the enum's own static fields). */
    private static final class PayaraSettings {
        static final List<String> SERVER_CLASSES = List.of("com.fasterxml.jackson.");
        static final Map<String, String> PERSISTENCE = Map.of(
                "hibernate.transaction.jta.platform",
                "org.hibernate.engine.transaction.jta.platform.internal.SunOneJtaPlatform",
                "hibernate.enhancer.enableDirtyTracking", "false",
                "hibernate.enhancer.enableLazyInitialization", "false",
                "hibernate.enhancer.enableAssociationManagement", "false");
    }

    /** The system property naming the server of this run ({@link #id()}). */
    public static final String PROPERTY = "postbox.it.server";

    private final String id;
    private final String displayName;
    private final boolean bundlesHibernate;
    private final List<String> serverClasses;
    private final Map<String, String> persistenceProperties;

    Server(String id, String displayName, boolean bundlesHibernate, List<String> serverClasses,
            Map<String, String> persistenceProperties) {
        this.id = id;
        this.displayName = displayName;
        this.bundlesHibernate = bundlesHibernate;
        this.serverClasses = serverClasses;
        this.persistenceProperties = persistenceProperties;
    }

    /**
     * Prefixes of class names the server loads from its own libraries although the WAR may carry them (Payara:
     * Jackson, parent-first; WildFly: Jackson, the slf4j API and Hibernate, its modules).
     */
    public List<String> serverClasses() {
        return serverClasses;
    }

    /** The server of this run, from {@value #PROPERTY}. */
    public static Server current() {
        String value = System.getProperty(PROPERTY);
        if (value == null) {
            throw new IllegalStateException("system property " + PROPERTY + " is not set: run the tests through"
                    + " Maven (mvn -pl it-tests -am verify, or -Pit-payara / -Pit-wildfly for one server), which"
                    + " sets it and arquillian.launch per server");
        }
        return Arrays.stream(values()).filter(s -> s.id.equals(value)).findFirst()
                .orElseThrow(() -> new IllegalStateException(PROPERTY + "=" + value + " is not a known server; known: "
                        + Arrays.stream(values()).map(Server::id).collect(Collectors.joining(", "))));
    }

    /** The id used in system properties, profile names and the Arquillian qualifier. */
    public String id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }

    /** Whether the WAR carries Hibernate in WEB-INF/lib (else the server provides it). */
    public boolean bundlesHibernate() {
        return bundlesHibernate;
    }

    /**
     * The root URL under which the server serves MicroProfile Health ({@code health}, all checks): on Payara Micro
     * the HTTP port of the application at {@code base}, on WildFly the management interface
     * ({@code wildfly.managementPort}).
     */
    public URL healthRoot(URL base) {
        try {
            return switch (this) {
                case PAYARA, PAYARA7, LIBERTY -> new URL(base, "/");
                case WILDFLY -> new URL("http", base.getHost(), Integer.getInteger("wildfly.managementPort", 9990), "/");
            };
        } catch (MalformedURLException e) {
            throw new IllegalStateException("no health URL for " + base, e);
        }
    }

    /** The {@code persistence.xml} properties this server needs, beyond the portable ones. */
    public Map<String, String> persistenceProperties() {
        return new LinkedHashMap<>(persistenceProperties);
    }
}
