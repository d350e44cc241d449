package dev.postbox.demo.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The application servers the demo runs payments.war on ({@code -Ddemo.server=payara|wildfly|liberty}); each one
 * unpacked or copied by the build from Maven Central, started as a child process on 127.0.0.1 and given the same
 * WAR, adapted where the server needs it ({@link ServerWar}).
 */
public enum DemoServer {

    /** Payara Micro 6: {@code java -jar payara-micro.jar --deploy payments.war}; the WAR as built. */
    PAYARA("payara", "Payara Micro", "demo.payara-jar"),

    /**
     * WildFly 38 ({@code bin/standalone.sh -c standalone-microprofile.xml}): Hibernate and its JTA platform are the
     * server's, the data source's placeholders resolved by the launcher.
     */
    WILDFLY("wildfly", "WildFly", "demo.wildfly-home"),

    /**
     * Open Liberty 25 ({@code bin/server run}): the server.xml the launcher writes, the JDBC driver also in a shared
     * library, {@code hibernate.dialect} named.
     */
    LIBERTY("liberty", "Open Liberty", "demo.liberty-home");

    private final String id;
    private final String displayName;
    private final String homeProperty;

    DemoServer(String id, String displayName, String homeProperty) {
        this.id = id;
        this.displayName = displayName;
        this.homeProperty = homeProperty;
    }

    /** The value of {@code demo.server}, the name of its work directory and of its log prefix. */
    String id() {
        return id;
    }

    String displayName() {
        return displayName;
    }

    /** The system property with the server's jar (Payara Micro) or unpacked home (WildFly, Open Liberty). */
    String homeProperty() {
        return homeProperty;
    }

    /** The server named by {@code demo.server}; an unknown name is an error that lists the known ones. */
    static DemoServer of(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.id.equals(v)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("demo.server=" + value + " is not a server the demo"
                        + " runs on; use one of " + Arrays.stream(values()).map(DemoServer::id)
                                .collect(Collectors.joining(", ")) + " (default payara), e.g. -Ddemo.server=wildfly"));
    }

    /**
     * Starts the server with payments.war, its files in {@code dir}.
     *
     * @param war the WAR as built, or the database's copy of it ({@link DemoDatabase#war})
     * @param config the machine-specific MicroProfile Config values of the WAR (database, Kafka, secrets)
     */
    ServerProcess start(DemoSettings settings, Path war, Path dir, int httpPort, Map<String, String> config,
            PrintStream console) throws IOException {
        return switch (this) {
            case PAYARA -> PayaraMicroProcess.start(settings.serverHome(), war, dir, httpPort,
                    settings.payaraHeap(), config, console);
            case WILDFLY -> WildFlyProcess.start(settings.serverHome(),
                    ServerWar.forWildFly(war, dir, config), dir, httpPort, settings.payaraHeap(), config,
                    console);
            case LIBERTY -> OpenLibertyProcess.start(settings.serverHome(),
                    ServerWar.forLiberty(war, dir, config), dir, httpPort, settings.payaraHeap(), config,
                    settings.readyTimeout().toSeconds(), console);
        };
    }
}
