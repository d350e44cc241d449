package dev.postbox.demo.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * WildFly ({@code bin/standalone.sh -c standalone-microprofile.xml}) as a child process, with its own server base
 * directory under the demo's work directory (the unpacked distribution stays as Maven unpacked it): the
 * configuration copied from the distribution, payments.war in {@code deployments} (deployed at boot by the
 * deployment scanner), everything bound to 127.0.0.1, HTTP on the demo's port and every other port a free one.
 *
 * <p>The WAR's machine-specific MicroProfile Config values go in a properties file (mode 600) that
 * {@code --properties} loads as system properties. The console's Jakarta Security (an {@code IdentityStore} bean
 * and {@code @BasicAuthenticationMechanismDefinition}) is used by WildFly only with {@code integrated-jaspi="false"}
 * on the application security domain {@code other}, set in the copied {@code standalone-microprofile.xml}; the
 * group {@code postbox-admin} is then the role of the same name.
 */
final class WildFlyProcess extends ServerConsole {

    static final String CONFIG = "standalone-microprofile.xml";
    static final String DEFAULT_DOMAIN = "<application-security-domain name=\"other\" "
            + "security-domain=\"ApplicationDomain\"/>";
    static final String APPLICATION_DEFINED = "<application-security-domain name=\"other\" "
            + "security-domain=\"ApplicationDomain\" integrated-jaspi=\"false\"/>";
    /** 14:40:00,123 INFO  [category] (thread) message; java.util.logging's records keep their level names */
    private static final Pattern RECORD = Pattern.compile("^\\d{2}:\\d{2}:\\d{2},\\d{3} +"
            + "(TRACE|DEBUG|INFO|WARN|ERROR|FATAL|SEVERE|WARNING|CONFIG|FINE|FINER|FINEST) +"
            + "\\[([^\\]]+)\\] \\((.*?)\\) (.*)$");
    private static final Pattern STARTED = Pattern.compile("WFLYSRV002[56]: .* in (\\d+)ms");

    private WildFlyProcess(Process process, Path log, Path configurationFile, PrintStream console) {
        super(DemoServer.WILDFLY, process, log, configurationFile, console);
    }

    static WildFlyProcess start(Path home, Path war, Path dir, int httpPort, String heap,
            Map<String, String> systemProperties, PrintStream console) throws IOException {
        Path script = home.resolve("bin").resolve("standalone.sh");
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException("no WildFly at " + home + " (" + script + " missing): the build unpacks"
                    + " org.wildfly:wildfly-dist there when started with -Ddemo.server=wildfly");
        }
        Path base = dir.resolve("standalone");
        Path configuration = base.resolve("configuration");
        copyDirectory(home.resolve("standalone").resolve("configuration"), configuration);
        allowApplicationDefinedSecurity(configuration.resolve(CONFIG));
        Path deployments = Files.createDirectories(base.resolve("deployments"));
        Files.move(war, deployments.resolve("payments.war"), StandardCopyOption.REPLACE_EXISTING);

        Path props = dir.resolve("system.properties");
        Files.deleteIfExists(props);
        Files.createFile(props, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Properties p = new Properties();
        p.putAll(systemProperties);
        try (Writer w = Files.newBufferedWriter(props)) {
            p.store(w, "Postbox demo: configuration of the payments service (MicroProfile Config)");
        }

        List<String> command = List.of(script.toString(),
                "-c", CONFIG,
                "-Djboss.server.base.dir=" + base,
                "-b", "127.0.0.1", "-bmanagement", "127.0.0.1", "-Djboss.bind.address.private=127.0.0.1",
                "-Djboss.http.port=" + httpPort,
                // the other listeners on free ports: nothing clashes with another WildFly (it-tests) on the defaults
                "-Djboss.https.port=" + freePort(), "-Djboss.management.http.port=" + freePort(),
                "-Djboss.management.https.port=" + freePort(), "-Djboss.ajp.port=" + freePort(),
                "--properties=" + props.toUri());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("JBOSS_HOME", home.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // replaces standalone.conf's defaults, whose metaspace cap (256 MB) is tight for a WAR with Debezium;
        // C1 only, as for Payara: a faster start on a small machine
        builder.environment().put("JAVA_OPTS", "-Xmx" + heap + " -XX:TieredStopAtLevel=1"
                + " -Djava.net.preferIPv4Stack=true -Djava.awt.headless=true"
                + " -Djboss.modules.system.pkgs=org.jboss.byteman");
        // the script then runs java in the background and passes SIGTERM on to it
        builder.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "true");
        return new WildFlyProcess(builder.start(), dir.resolve("wildfly.log"), props, console);
    }

    /** integrated-jaspi="false" on the application security domain "other" (see the class comment). */
    static void allowApplicationDefinedSecurity(Path config) throws IOException {
        String xml = Files.readString(config, StandardCharsets.UTF_8);
        if (!xml.contains(DEFAULT_DOMAIN)) {
            throw new IllegalStateException(config + " has no " + DEFAULT_DOMAIN + ": WildFly's default"
                    + " configuration changed; update WildFlyProcess.allowApplicationDefinedSecurity");
        }
        Files.writeString(config, xml.replace(DEFAULT_DOMAIN, APPLICATION_DEFINED), StandardCharsets.UTF_8);
    }

    @Override
    LogRecord parse(String line) {
        Matcher m = RECORD.matcher(line);
        if (!m.matches()) {
            return null;
        }
        String level = switch (m.group(1)) {
            case "ERROR", "FATAL", "SEVERE" -> "SEVERE";
            case "WARN", "WARNING" -> "WARNING";
            case "INFO" -> "INFO";
            default -> "FINE";
        };
        return new LogRecord(level, m.group(2), m.group(4));
    }

    @Override
    void inspect(LogRecord r) {
        String text = r.text();
        if ((text.startsWith("WFLYCTL0013") || text.startsWith("WFLYSRV0021")) && text.contains("payments.war")) {
            failed(text);
        }
        Matcher started = STARTED.matcher(text);
        if (started.find()) {
            ready(Long.parseLong(started.group(1)));
        }
    }

    @Override
    boolean boring(LogRecord r) {
        // WFLYSRV0059: a jar's manifest Class-Path names a jar that is not there (Kafka and Debezium jars);
        // WFLYTX0013: one server, no node identifier needed; WFLYELY00023/01084: the HTTPS keystore, never used
        // (HTTPS is not opened to anyone but loopback); HHH90000029: WildFly's Hibernate 6.6.31 calls the enhancer
        // settings the WAR keeps for Payara and Liberty deprecated; WFLYEE0110: the inbox's timer once more while
        // the server stops; Debezium's PostgreSQL type registry meets the same array type twice
        String text = r.text();
        return text.startsWith("WFLYSRV0059") || text.startsWith("WFLYTX0013") || text.startsWith("WFLYELY00023")
                || text.startsWith("WFLYELY01084") || text.startsWith("HHH90000029")
                || (text.startsWith("WFLYEE0110") && text.contains("container is suspended"))
                || (r.logger().endsWith("TypeRegistry") && text.contains("is already mapped"));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port for WildFly", e);
        }
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
