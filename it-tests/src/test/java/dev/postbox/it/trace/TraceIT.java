package dev.postbox.it.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.it.harness.Http;
import dev.postbox.it.harness.Server;
import dev.postbox.it.harness.ServerWar;
import dev.postbox.it.trace.app.TracedResource;
import dev.postbox.it.trace.app.TraceItApplication;
import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.PostgresServer.Database;
import java.net.URL;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Traces on servers that ship MicroProfile Telemetry (Payara Micro 6.2025.10 carries OpenTelemetry's API 1.29;
 * WildFly 38's standalone-microprofile.xml activates its microprofile-telemetry subsystem; Open Liberty 25 with
 * {@code mpTelemetry-1.1}, whose API an application sees only with {@code <classloader
 * apiTypeVisibility="...,third-party">}, see {@code ServerWar.withLibertyThirdPartyApis}): the WAR brings no
 * OpenTelemetry jar, the server's API is used. Payara's server span starts a trace of its own, so the inbox's span
 * continues the request's trace and links that span. A request with a W3C {@code traceparent} to an
 * {@code @Idempotent} JAX-RS method that publishes an outbox event leaves that trace on the inbox record and on the
 * outbox row (from which the relay puts it on the Kafka record). Spans are not exported (the server's SDK is off by
 * default), so what is asserted is the trace id carried into both tables.
 */
@ExtendWith(ArquillianExtension.class)
class TraceIT {

    static Database db;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive war() {
        db = PostgresServer.shared().createDatabase("trace_it");
        db.execute(ServerWar.postboxSchema());
        WebArchive war = ServerWar.withLibertyThirdPartyApis(ServerWar.withPostbox(ServerWar.create("trace-it", db))
                .addClasses(TracedResource.class, TraceItApplication.class));
        return ServerWar.config(war, Map.of(
                "postbox.outbox.datasource", ServerWar.DATA_SOURCE,
                "postbox.inbox.datasource", ServerWar.DATA_SOURCE,
                "postbox.relay.enabled", "false"));
    }

    @Test
    void aRequestsTraceparentReachesTheInboxRecordAndTheOutboxEvent() throws Exception {
        String traceId = HexFormat.of().formatHex(randomBytes(16));
        String traceparent = "00-" + traceId + "-" + HexFormat.of().formatHex(randomBytes(8)) + "-01";
        Http.Response answer = Http.post(base, "api/traced", "application/json", "{\"id\":\"o-1\"}",
                Map.of("Idempotency-Key", "k-1", "traceparent", traceparent));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);

        assertThat(query("select traceparent from postbox_inbox where scope = 'traced'")).contains(traceId);
        assertThat(query("select headers->>'traceparent' from outbox_event where aggregateid = 'o-1'"))
                .contains(traceId);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        bytes[0] |= 1; // never all zero (invalid)
        return bytes;
    }

    private static String query(String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }
}
