package dev.postbox.inbox.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.inbox.InboxHistory;
import dev.postbox.inbox.internal.InboxDatabase;
import dev.postbox.inbox.internal.cdi.InboxExtension;
import dev.postbox.inbox.internal.http.HttpExchange;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.HexFormat;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Idempotency keys per caller ({@code postbox.inbox.http.key-per-principal}, default true): the record of an
 * authenticated user's request belongs to that user, so one Idempotency-Key sent by two users is two requests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractCallerKeysTest {

    /** The database this suite runs on. */
    abstract InboxDatabase.Product product();

    private static WeldContainer container;
    private static CallerResource resource;
    private static InboxHistory history;

    @BeforeAll
    void start() {
        TestEnvironment.database = InboxDatabase.create(product(), "inbox_callers");
        container = new Weld("inbox-callers-test").disableDiscovery().addExtension(new InboxExtension())
                .addBeanClasses(TestEnvironment.class, CallerResource.class).initialize();
        resource = container.select(CallerResource.class).get();
        history = container.select(InboxHistory.class).get();
    }

    @AfterAll
    static void stop() {
        if (container != null) {
            container.shutdown();
        }
    }

    @Test
    void twoUsersWithOneKeyHaveTwoEffectsAndEachRetryReplaysTheirOwnAnswer() {
        Response alice = transfer("alice", "k-1", new PaymentEvent("t-1", 10));
        Response bob = transfer("bob", "k-1", new PaymentEvent("t-1", 10));
        Response aliceAgain = transfer("alice", "k-1", new PaymentEvent("t-1", 10));
        Response bobAgain = transfer("bob", "k-1", new PaymentEvent("t-1", 10));

        assertThat(alice.getStatus()).isEqualTo(201);
        assertThat(bob.getStatus()).isEqualTo(201);
        assertThat(bob.getHeaderString("Idempotent-Replayed")).isNull(); // bob's first request ran: not alice's
        assertThat(body(bob)).isNotEqualTo(body(alice));
        assertThat(aliceAgain.getHeaderString("Idempotent-Replayed")).isEqualTo("true");
        assertThat(body(aliceAgain)).isEqualTo(body(alice));
        assertThat(bobAgain.getHeaderString("Idempotent-Replayed")).isEqualTo("true");
        assertThat(body(bobAgain)).isEqualTo(body(bob));
        assertThat(TestEnvironment.database.db.queryLong(
                "SELECT count(*) FROM effect WHERE scope = 'transfers' AND key = 't-1'")).isEqualTo(2);
        // each record under its caller's tag; the name itself is stored nowhere in the row
        assertThat(history.find("transfers", tag("alice") + "k-1")).isPresent();
        assertThat(history.find("transfers", tag("bob") + "k-1")).isPresent();
        assertThat(history.find("transfers", "k-1")).isEmpty();
        assertThat(rowsNaming("alice", "bob")).isZero();
    }

    @Test
    void aKeyReusedWithAnotherBodyIs422OnlyForTheCallerWhoUsedItAndNeverNamesAnother() {
        transfer("alice", "k-2", new PaymentEvent("t-2", 10));
        // bob sends the same key with another body: a first request of his own, not a 422 that tells him alice used it
        Response bob = transfer("bob", "k-2", new PaymentEvent("t-2b", 99));
        assertThat(bob.getStatus()).isEqualTo(201);
        assertThat(bob.getHeaderString("Idempotent-Replayed")).isNull();

        Response aliceMismatch = transfer("alice", "k-2", new PaymentEvent("t-2", 11));
        assertThat(aliceMismatch.getStatus()).isEqualTo(422);
        assertThat(body(aliceMismatch)).doesNotContain("bob").doesNotContain(tag("bob"));
        Response bobMismatch = transfer("bob", "k-2", new PaymentEvent("t-2", 10)); // alice's body, bob's key
        assertThat(bobMismatch.getStatus()).isEqualTo(422); // mismatch with bob's own first body, not a replay
        assertThat(body(bobMismatch)).doesNotContain("alice").doesNotContain(tag("alice"));
        // the 422 each gets is the one a lone caller would get: only the caller's own tag differs
        assertThat(body(bobMismatch).replace(tag("bob"), "")).isEqualTo(body(aliceMismatch).replace(tag("alice"), ""));
    }

    @Test
    void anonymousRequestsKeepTheKeyAsSentAndShareNothingWithUsers() {
        Response anonymous = transfer(null, "k-3", new PaymentEvent("t-3", 5));
        Response again = transfer(null, "k-3", new PaymentEvent("t-3", 5));
        Response alice = transfer("alice", "k-3", new PaymentEvent("t-3", 5));

        assertThat(anonymous.getStatus()).isEqualTo(201);
        assertThat(again.getHeaderString("Idempotent-Replayed")).isEqualTo("true");
        assertThat(body(again)).isEqualTo(body(anonymous));
        assertThat(alice.getHeaderString("Idempotent-Replayed")).isNull();
        assertThat(history.find("transfers", "k-3")).isPresent(); // stored as today
        assertThat(TestEnvironment.database.db.queryLong(
                "SELECT count(*) FROM effect WHERE scope = 'transfers' AND key = 't-3'")).isEqualTo(2);
    }

    @Test
    void anAnonymousKeyShapedLikeAUsersRecordIsRefusedSoItCannotReachThatRecord() {
        transfer("alice", "k-4", new PaymentEvent("t-4", 7));
        int before = resource.calls();

        Response forged = transfer(null, tag("alice") + "k-4", new PaymentEvent("t-4", 7));

        assertThat(forged.getStatus()).isEqualTo(400);
        assertThat(forged.getHeaderString("Idempotent-Replayed")).isNull();
        assertThat(body(forged)).contains("reserved").contains("postbox.inbox.http.key-per-principal");
        assertThat(resource.calls()).isEqualTo(before);
    }

    /** Inbox rows with one of {@code names} in any column: PostgreSQL reads a row as text, MariaDB column by column. */
    private long rowsNaming(String... names) {
        if (product() == InboxDatabase.Product.POSTGRESQL) {
            return TestEnvironment.database.db.queryLong(
                    "SELECT count(*) FROM postbox_inbox t WHERE t::text LIKE '%alice%' OR t::text LIKE '%bob%'");
        }
        long rows = 0;
        long read = 0;
        try (var c = TestEnvironment.database.db.dataSource().getConnection();
                var s = c.createStatement();
                var rs = s.executeQuery("SELECT * FROM postbox_inbox")) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                read++;
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(rs.getString(i)).append('\u001f');
                }
                if (java.util.Arrays.stream(names).anyMatch(name -> row.indexOf(name) >= 0)) {
                    rows++;
                }
            }
            assertThat(read).as("inbox rows read").isPositive();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** The caller's tag as the README documents it: p: + 32 hex digits of SHA-256(name) + ':'. */
    static String tag(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return "p:" + HexFormat.of().formatHex(digest).substring(0, 32) + ":";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String body(Response response) {
        return (String) response.getEntity();
    }

    /** One request by {@code user} (null: anonymous); an inbox answer thrown as an exception is returned too. */
    private static Response transfer(String user, String key, PaymentEvent payment) {
        java.util.Map<String, String> responseHeaders = new java.util.HashMap<>();
        ClassLoader loader = AbstractCallerKeysTest.class.getClassLoader();
        Principal principal = user == null ? null : () -> user;
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(loader,
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeader" -> "Idempotency-Key".equalsIgnoreCase((String) args[0]) ? key : null;
                    case "getUserPrincipal" -> principal;
                    case "toString" -> "request of " + user;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(loader,
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "setHeader" -> responseHeaders.put((String) args[0], (String) args[1]);
                    case "isCommitted" -> false;
                    case "toString" -> "response to " + user;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        try {
            return HttpExchange.with(new HttpExchange(request, response), () -> resource.transfer(payment));
        } catch (WebApplicationException e) {
            return e.getResponse();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
