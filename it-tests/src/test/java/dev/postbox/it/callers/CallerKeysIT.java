package dev.postbox.it.callers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.it.callers.app.Transfer;
import dev.postbox.it.console.app.ConsoleUsers;
import dev.postbox.it.harness.Http;
import dev.postbox.it.harness.Server;
import dev.postbox.it.harness.ServerWar;
import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.PostgresServer.Database;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Idempotency keys per caller on the server ({@code postbox.inbox.http.key-per-principal}, default true): two users
 * logged in through the WAR's Jakarta Security (BASIC, {@link ConsoleUsers}) send one Idempotency-Key; each gets an
 * effect of their own, and a retry replays only the caller's own answer.
 */
@ExtendWith(ArquillianExtension.class)
class CallerKeysIT {

    private static final String ALICE = ConsoleUsers.ADMIN + ":" + ConsoleUsers.ADMIN_PASSWORD;
    private static final String BOB = ConsoleUsers.OTHER + ":" + ConsoleUsers.OTHER_PASSWORD;
    static Database db;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive war() {
        db = PostgresServer.shared().createDatabase("callers_it");
        db.execute(ServerWar.postboxSchema());
        db.execute("create table transfer_effect (id bigserial primary key, caller varchar(64) not null,"
                + " recipient varchar(64), amount bigint not null)");
        WebArchive war = ServerWar.withPostbox(ServerWar.create("callers-it", db))
                .addPackage(Transfer.class.getPackage()).addClass(ConsoleUsers.class);
        Map<String, String> config = new HashMap<>(Map.of(
                "postbox.outbox.datasource", ServerWar.DATA_SOURCE,
                "postbox.inbox.datasource", ServerWar.DATA_SOURCE,
                "postbox.inbox.scheduler.enabled", "false",
                "postbox.relay.enabled", "false"));
        return ServerWar.config(war, config);
    }

    @Test
    void twoUsersWithOneKeyHaveTwoEffectsAndNeitherReplaysTheOthersAnswer() throws Exception {
        String body = "{\"to\":\"acc-1\",\"amount\":25}";
        Http.Response alice = transfer(ALICE, "shared-key", body);
        Http.Response bob = transfer(BOB, "shared-key", body);
        Http.Response aliceAgain = transfer(ALICE, "shared-key", body);
        Http.Response bobAgain = transfer(BOB, "shared-key", body);

        assertThat(alice.status()).as(alice.body()).isEqualTo(201);
        assertThat(alice.body()).contains("\"caller\":\"" + ConsoleUsers.ADMIN + "\"");
        assertThat(bob.status()).as(bob.body()).isEqualTo(201);
        assertThat(bob.header("Idempotent-Replayed")).as("bob's first request ran").isNull();
        assertThat(bob.body()).contains("\"caller\":\"" + ConsoleUsers.OTHER + "\"");
        assertThat(aliceAgain.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(aliceAgain.body()).isEqualTo(alice.body());
        assertThat(bobAgain.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(bobAgain.body()).isEqualTo(bob.body());
        assertThat(count("select count(*) from transfer_effect")).isEqualTo(2);
        assertThat(count("select count(*) from postbox_inbox where scope = 'transfers'"
                + " and idempotency_key like 'p:%:shared-key'")).isEqualTo(2);
        // the names are in the answers (this resource puts them there), never in what identifies a record
        String identity = "(scope || idempotency_key || fingerprint || coalesce(handler, '')"
                + " || coalesce(arguments, ''))";
        assertThat(count("select count(*) from postbox_inbox where " + identity + " like '%" + ConsoleUsers.ADMIN
                + "%' or " + identity + " like '%" + ConsoleUsers.OTHER + "%'")).as("no caller name stored").isZero();
    }

    @Test
    void aKeyOneUserReusedWithAnotherBodyIsAFirstRequestForAnotherUser() throws Exception {
        assertThat(transfer(ALICE, "reused-key", "{\"to\":\"acc-2\",\"amount\":1}").status()).isEqualTo(201);
        Http.Response aliceMismatch = transfer(ALICE, "reused-key", "{\"to\":\"acc-2\",\"amount\":2}");
        Http.Response bob = transfer(BOB, "reused-key", "{\"to\":\"acc-2\",\"amount\":2}");
        Http.Response anonymous = transfer(null, "reused-key", "{\"to\":\"acc-2\",\"amount\":3}");

        assertThat(aliceMismatch.status()).isEqualTo(422);
        assertThat(bob.status()).as("no 422 that would tell bob someone used the key").isEqualTo(201);
        assertThat(bob.header("Idempotent-Replayed")).isNull();
        assertThat(anonymous.status()).as(anonymous.body()).isEqualTo(201);
        assertThat(anonymous.body()).contains("\"caller\":\"anonymous\"");
        assertThat(count("select count(*) from postbox_inbox where idempotency_key = 'reused-key'"))
                .as("an anonymous record keeps the key as sent").isEqualTo(1);
    }

    private Http.Response transfer(String credentials, String key, String body) {
        Map<String, String> headers = new HashMap<>(Map.of("Idempotency-Key", key));
        if (credentials != null) {
            headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return Http.post(base, "api/transfers", "application/json", body, headers);
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
