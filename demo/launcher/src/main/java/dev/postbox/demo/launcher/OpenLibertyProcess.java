package dev.postbox.demo.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Open Liberty ({@code bin/server run payments}) as a child process, its user directory ({@code WLP_USER_DIR}) under
 * the demo's work directory, so the unpacked runtime stays as Maven unpacked it. The launcher writes the server:
 * {@code server.xml} (mode 600: it holds the WAR's machine-specific MicroProfile Config values as
 * {@code <variable>}s, which Liberty's MicroProfile Config reads), {@code jvm.options} and
 * {@code bootstrap.properties} (the console in the same format as messages.log, from INFO).
 *
 * <p>The features are those of the it-tests' Liberty server ({@code persistenceContainer}: the WAR's Hibernate,
 * not EclipseLink; {@code xmlBinding} for Hibernate; {@code appSecurity} for the console, whose group
 * {@code postbox-admin} is the role of the same name). The JDBC driver is also in the {@code global} shared
 * library: Liberty loads an application-defined data source's driver only from a shared library (J2CA8022E).
 * HTTP/2 is off ({@code protocolVersion="http/1.1"}): the JDK client's h2c upgrade with concurrent requests left
 * Liberty's request threads waiting (it-tests README).
 */
final class OpenLibertyProcess extends ServerConsole {

    static final String SERVER_NAME = "payments";
    static final String SERVER_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <server description="Postbox demo: payments service">
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
                <feature>appSecurity-5.0</feature>
              </featureManager>
              <library id="global">
                <fileset dir="%s" includes="*.jar"/>
              </library>
              <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%d" httpsPort="-1"
                            protocolVersion="http/1.1"/>
              <applicationManager autoExpand="true" startTimeout="%ds"/>
              <applicationMonitor updateTrigger="disabled" dropinsEnabled="false"/>
              <webApplication id="payments" name="payments" location="%s" contextRoot="/payments"/>
              <mpMetrics authentication="false"/>
            %s</server>
            """;
    /** [12/2/26, 14:40:00:123 UTC] 0000002a com.ibm.ws.app.manager.AppMessageHelper   A CWWKZ0001I: ... */
    private static final Pattern RECORD = Pattern.compile("^\\[[^\\]]+\\] [0-9a-f]{8} (\\S+)\\s+([A-Z]) (.*)$");
    private static final Pattern SERVER_STARTED = Pattern.compile("CWWKF0011I: .* in ([\\d.,]+) seconds");

    private volatile long serverMillis = -1;

    private OpenLibertyProcess(Process process, Path log, Path configurationFile, PrintStream console) {
        super(DemoServer.LIBERTY, process, log, configurationFile, console);
    }

    static OpenLibertyProcess start(Path home, Path war, Path dir, int httpPort, String heap,
            Map<String, String> config, long startTimeoutSeconds, PrintStream console) throws IOException {
        Path script = home.resolve("bin").resolve("server");
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException("no Open Liberty at " + home + " (" + script + " missing): the build"
                    + " unpacks io.openliberty:openliberty-runtime there when started with -Ddemo.server=liberty");
        }
        Path usr = dir.resolve("usr");
        Path server = Files.createDirectories(usr.resolve("servers").resolve(SERVER_NAME));
        Path drivers = ServerWar.extractDrivers(war, dir.resolve("shared-lib"));
        StringBuilder variables = new StringBuilder();
        config.forEach((key, value) -> variables.append("  <variable name=\"").append(ServerWar.escape(key))
                .append("\" value=\"").append(ServerWar.escape(value)).append("\"/>\n"));
        Path serverXml = server.resolve("server.xml");
        Files.deleteIfExists(serverXml);
        Files.createFile(serverXml, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(serverXml, SERVER_XML.formatted(drivers, httpPort, startTimeoutSeconds, war, variables),
                StandardCharsets.UTF_8);
        // C1 only, as for Payara: a faster start on a small machine
        Files.writeString(server.resolve("jvm.options"), "-Xmx" + heap + "\n-XX:TieredStopAtLevel=1\n");
        Files.writeString(server.resolve("bootstrap.properties"), "com.ibm.ws.logging.console.format=SIMPLE\n"
                + "com.ibm.ws.logging.console.log.level=INFO\n");

        ProcessBuilder builder = new ProcessBuilder(List.of(script.toString(), "run", SERVER_NAME))
                .redirectErrorStream(true);
        builder.environment().put("WLP_USER_DIR", usr.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return new OpenLibertyProcess(builder.start(), dir.resolve("liberty.log"), serverXml, console);
    }

    @Override
    LogRecord parse(String line) {
        Matcher m = RECORD.matcher(line);
        if (!m.matches()) {
            return null;
        }
        String level = switch (m.group(2)) {
            case "E", "F" -> "SEVERE";
            case "W" -> "WARNING";
            case "A", "I" -> "INFO";
            default -> "FINE"; // O and R: the JVM's System.out and System.err, in the log only
        };
        return new LogRecord(level, m.group(1), m.group(3));
    }

    @Override
    void inspect(LogRecord r) {
        String text = r.text();
        Matcher started = SERVER_STARTED.matcher(text);
        if (started.find()) {
            serverMillis = Math.round(Double.parseDouble(started.group(1).replace(',', '.')) * 1000);
        }
        if (text.startsWith("CWWKZ0001I") && text.contains(SERVER_NAME)) {
            ready(serverMillis);
        } else if ((text.startsWith("CWWKZ0002E") || text.startsWith("CWWKZ0004E") || text.startsWith("CWWKZ0012I")
                || text.startsWith("CWWKZ0013E")) && text.contains(SERVER_NAME)) {
            failed(text);
        }
    }

    @Override
    boolean boring(LogRecord r) {
        // HHH90000029: Hibernate calls the enhancer settings deprecated (they stay off, as on Payara);
        // HHH90000025 and HHH000511: the named dialect (required here) and the version 0.0.0 of Liberty's stand-in
        // data source while the factory is built (see ServerWar); Debezium's PostgreSQL type registry meets the same
        // array type twice
        String text = r.text();
        return text.startsWith("HHH90000029") || text.startsWith("HHH90000025") || text.startsWith("HHH000511")
                || (r.logger().endsWith("TypeRegistry") && text.contains("is already mapped"));
    }
}
