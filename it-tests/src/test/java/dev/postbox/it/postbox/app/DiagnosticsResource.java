package dev.postbox.it.postbox.app;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.security.CodeSource;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where the WAR's libraries are loaded from, and which version: one line per class, {@code name location version}.
 * Payara loads parent-first, so a library the server exports (Jackson) comes from the server even though the WAR
 * carries a copy.
 */
@Path("diagnostics")
public class DiagnosticsResource {

    private static final List<String> CLASSES = List.of("com.fasterxml.jackson.databind.ObjectMapper",
            "com.fasterxml.jackson.core.JsonFactory", "com.fasterxml.jackson.datatype.jsr310.JavaTimeModule",
            "org.slf4j.LoggerFactory", "org.slf4j.jul.JDK14LoggerAdapter",
            "org.apache.kafka.clients.producer.KafkaProducer", "io.debezium.engine.DebeziumEngine",
            "org.postgresql.Driver", "org.hibernate.Session");

    @GET
    @Path("classes")
    @Produces(MediaType.TEXT_PLAIN)
    public String classes() {
        return CLASSES.stream().map(DiagnosticsResource::origin).collect(Collectors.joining("\n"));
    }

    private static String origin(String name) {
        try {
            Class<?> type = Class.forName(name, false, DiagnosticsResource.class.getClassLoader());
            CodeSource source = type.getProtectionDomain().getCodeSource();
            return name + " " + (source == null || source.getLocation() == null ? "<no code source>"
                    : source.getLocation()) + " " + type.getPackage().getImplementationVersion();
        } catch (ClassNotFoundException | LinkageError e) {
            return name + " <" + e + ">";
        }
    }
}
