package dev.postbox.it.harness;

import io.openliberty.arquillian.managed.WLPManagedContainer;
import io.openliberty.arquillian.managed.WLPManagedContainerConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.container.LifecycleException;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.shrinkwrap.api.Archive;

/**
 * arquillian-liberty-managed-jakarta with the server written by the harness and failures explained.
 *
 * <ul>
 * <li>{@link #setup} writes the server's {@code server.xml} ({@link #SERVER_XML}: the features Postbox needs,
 * HTTP on 127.0.0.1 only, a free port when {@code httpPort} is 0) into {@code usr/servers/<serverName>} of the
 * runtime Maven unpacked.
 * <li>A WAR that fails to start makes the adapter wait for its timeout and report little; here the deployment
 * fails with the server's error and warning messages ({@code CWW...E/W}) written while it deployed.
 * </ul>
 *
 * <p>One Liberty process serves every deployment of the test run (Arquillian starts it once); each WAR is copied
 * to {@code dropins} and removed on undeploy, except a WAR marked by {@link ServerWar#withLibertyThirdPartyApis}
 * (TraceIT): that one is written to {@code apps} and declared as an {@code <application>} in {@code server.xml} with
 * {@code <classloader apiTypeVisibility="...,third-party" commonLibraryRef="global">} (the adapter's
 * {@code deployType}, {@code apiTypeVisibility} and {@code sharedLib}, set for that WAR alone), the only way a WAR
 * sees Liberty's OpenTelemetry API (a {@code dropins} application cannot have a class loader element). Not every
 * WAR: a class loader element ends the implicit {@code global} library in the parent chain, and a named common
 * library comes after the WAR's own jars, so the PostgreSQL driver would then be the WAR's copy (measured:
 * {@code PostboxIT}'s class-origin test failed).
 */
public class CheckedLibertyContainer extends WLPManagedContainer {

    private static final Logger LOG = Logger.getLogger(CheckedLibertyContainer.class.getName());
    private static final int MESSAGE_LIMIT = 8_000;

    /**
     * The features are those Postbox uses on Jakarta EE 10 web profile plus MicroProfile 6.1.
     * {@code persistenceContainer} instead of {@code persistence}: JPA without Liberty's EclipseLink, so the WAR's
     * Hibernate is the provider. {@code localConnector} and the MBean application monitor are the adapter's.
     * {@code mpTelemetry-1.1} gives applications OpenTelemetry's API (TraceIT); its SDK stays off (Liberty's default,
     * {@code otel.sdk.disabled=true}), so no span is exported and the API's no-op tracer carries the request's
     * {@code traceparent}, which is what TraceIT asserts.
     */
    static final String SERVER_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <server description="Postbox it-tests">
              <featureManager>
                <feature>servlet-6.0</feature>
                <feature>cdi-4.0</feature>
                <feature>restfulWS-3.1</feature>
                <feature>jsonb-3.0</feature>
                <feature>jsonp-2.1</feature>
                <feature>persistenceContainer-3.1</feature>
                <feature>jdbc-4.3</feature>
                <feature>concurrent-3.0</feature>
                <feature>mpConfig-3.1</feature>
                <feature>mpHealth-4.0</feature>
                <feature>mpMetrics-5.1</feature>
                <feature>xmlBinding-4.0</feature>
                <feature>localConnector-1.0</feature>
                <feature>appSecurity-5.0</feature>
                <feature>mpTelemetry-1.1</feature>
              </featureManager>
              <!-- An application-defined data source (web.xml <data-source>, @DataSourceDefinition) finds its
                   driver only in a shared library (J2CA8022E otherwise): the global one serves dropins too, and
                   a WAR with third-party APIs names it (deployAs). -->
              <library id="global" apiTypeVisibility="spec,ibm-api,api,stable,third-party">
                <fileset dir="%s" includes="postgresql-*.jar"/>
              </library>
              <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%d" httpsPort="-1"/>
              <applicationManager autoExpand="true"/>
              <applicationMonitor updateTrigger="mbean" dropinsEnabled="true"/>
              <mpMetrics authentication="false"/>
            </server>
            """;

    private static final String THIRD_PARTY_VISIBILITY = "spec,ibm-api,api,stable,third-party";

    private Path messagesLog;
    private WLPManagedContainerConfiguration config;

    @Override
    public void setup(WLPManagedContainerConfiguration config) {
        if (config.getHttpPort() == 0) {
            config.setHttpPort(freePort());
        }
        Path usr = config.getUsrDir() != null ? Paths.get(config.getUsrDir()) : Paths.get(config.getWlpHome(), "usr");
        Path server = usr.resolve("servers").resolve(config.getServerName());
        try {
            // a WAR left by an interrupted run would start again with the server, against a database now gone
            for (String dir : new String[] {"dropins", "apps"}) {
                Files.createDirectories(server.resolve(dir));
                try (Stream<Path> left = Files.list(server.resolve(dir))) {
                    for (Path war : left.collect(Collectors.toList())) {
                        deleteRecursively(war);
                    }
                }
            }
            Files.writeString(server.resolve("server.xml"), SERVER_XML.formatted(driverDirectory(), config.getHttpPort()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Liberty server in " + server, e);
        }
        messagesLog = server.resolve("logs").resolve("messages.log");
        this.config = config;
        super.setup(config);
    }

    @Override
    public void start() throws LifecycleException {
        long started = System.nanoTime();
        super.start();
        LOG.info(() -> "Open Liberty started in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
    }

    private static boolean thirdParty(Archive<?> archive) {
        return archive.contains("/WEB-INF/" + ServerWar.LIBERTY_THIRD_PARTY_APIS);
    }

    /**
     * The adapter's settings for {@code archive}: declared in server.xml with the third-party class loader and the
     * global library, or dropins. Set per WAR, not in arquillian.xml: the adapter refuses {@code sharedLib} at setup
     * unless every WAR is declared.
     */
    private void deployAs(boolean declared) {
        config.setDeployType(declared ? "xml" : "dropins");
        config.setSharedLib(declared ? "global" : null);
        config.setApiTypeVisibility(declared ? THIRD_PARTY_VISIBILITY : null);
    }

    @Override
    public void undeploy(Archive<?> archive) throws DeploymentException {
        deployAs(thirdParty(archive));
        try {
            super.undeploy(archive);
        } finally {
            deployAs(false);
        }
    }

    @Override
    public ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        deployAs(thirdParty(archive));
        try {
            return checkedDeploy(archive);
        } finally {
            deployAs(false);
        }
    }

    private ProtocolMetaData checkedDeploy(Archive<?> archive) throws DeploymentException {
        long from = logSize();
        long started = System.nanoTime();
        try {
            ProtocolMetaData metaData = super.deploy(archive);
            LOG.info(() -> "Open Liberty deployed " + archive.getName() + " in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
            return metaData;
        } catch (DeploymentException | RuntimeException e) {
            String messages = problems(from);
            try {
                undeploy(archive); // a failed WAR stays deployed otherwise, and fails again on the next start
            } catch (Exception ignored) {
                // nothing deployed to remove
            }
            throw new DeploymentException("Open Liberty did not deploy " + archive.getName() + ":\n" + messages, e);
        }
    }

    private long logSize() {
        try {
            return Files.exists(messagesLog) ? Files.size(messagesLog) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The error and warning records ({@code CWWKZ0002E ...}) written to messages.log since {@code from}, with the
     * further lines of their messages (a CDI definition error names the method there) but not their stack traces.
     */
    private String problems(long from) {
        try {
            byte[] all = Files.readAllBytes(messagesLog);
            int start = (int) Math.min(from, all.length);
            List<String> lines = new ArrayList<>();
            boolean inProblem = false;
            for (String line : new String(all, start, all.length - start, StandardCharsets.UTF_8).lines().toList()) {
                if (line.startsWith("[")) { // a new record: keep errors and warnings
                    inProblem = line.contains(" E ") || line.contains(" W ");
                    if (inProblem) {
                        lines.add(line);
                    }
                } else if (inProblem && !line.startsWith("\tat ")) { // its message's further lines, no stack
                    lines.add(line);
                }
            }
            String text = String.join("\n", lines);
            return text.length() > MESSAGE_LIMIT ? text.substring(0, MESSAGE_LIMIT) + " ..." : text;
        } catch (IOException e) {
            return "(cannot read " + messagesLog + ": " + e + ")";
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }

    /** The directory of the PostgreSQL driver jar: the test WARs' libraries ({@code postbox.warLibs}). */
    private static String driverDirectory() {
        String dir = System.getProperty("postbox.warLibs");
        if (dir == null) {
            throw new IllegalStateException("system property postbox.warLibs is not set: run the tests through Maven");
        }
        return Paths.get(dir).toAbsolutePath().toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port for Open Liberty", e);
        }
    }
}
