package dev.postbox.it.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.console.PostboxConsole;
import dev.postbox.console.internal.ConsoleInitializer;
import dev.postbox.it.console.app.ConsoleUsers;
import dev.postbox.it.harness.Server;
import dev.postbox.it.harness.ServerWar;
import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.PostgresServer.Database;
import jakarta.servlet.ServletContainerInitializer;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.htmlunit.BrowserVersion;
import org.htmlunit.DefaultCredentialsProvider;
import org.htmlunit.WebClient;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.HtmlPage;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console in a WAR on the application server, secured by the WAR's own Jakarta Security login: two users, one
 * with the role, one without; what a cross-site request can and cannot do; values from messages shown as text.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {

    private static final String SCRIPT_KEY = "<script>window.pwnedKey=1</script>";
    private static final String SCRIPT_ERROR = "<img src=x onerror=\"window.pwnedError=1\">";
    private static final String SCRIPT_PAYLOAD = "<script>window.pwnedPayload=1</script>";
    private static final UUID DEAD_ID = UUID.randomUUID();
    private static final UUID COMPLETED_ID = UUID.randomUUID();
    static Database db;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive war() {
        db = PostgresServer.shared().createDatabase("console_it");
        db.execute(ServerWar.postboxSchema());
        db.execute("insert into postbox_inbox (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, last_error, history) values ('" + DEAD_ID + "', 'ledger', '" + SCRIPT_KEY
                + "', repeat('0', 64), 'DEAD', 3, 3, '" + SCRIPT_ERROR.replace("'", "''") + "', "
                + "'[{\"attempt\":3,\"startedAt\":\"2026-12-01T10:00:00Z\",\"outcome\":\"DEAD\",\"error\":\"boom\"}]')",
                "insert into postbox_inbox (id, scope, idempotency_key, fingerprint, status, attempts, max_attempts)"
                + " values ('" + COMPLETED_ID + "', 'ledger', 'plain-key', repeat('0', 64), 'COMPLETED', 1, 3)",
                "insert into outbox_event (id, aggregatetype, aggregateid, type, payload) values ('"
                + UUID.randomUUID() + "', 'Account', 'a1', 'Note', '{\"note\": \"" + SCRIPT_PAYLOAD + "\"}')");
        return consoleWar("console-it", db);
    }

    /** The console in a WAR with two users ({@link ConsoleUsers}), on {@code db}, relay and scheduler off. */
    static WebArchive consoleWar(String name, Database db) {
        JavaArchive console = ShrinkWrap.create(JavaArchive.class, "postbox-console.jar")
                .addPackages(true, PostboxConsole.class.getPackage())
                .addAsServiceProvider(ServletContainerInitializer.class, ConsoleInitializer.class);
        for (String file : new String[] {"index.html", "console.js", "console.css"}) {
            console.addAsResource("dev/postbox/console/internal/web/" + file);
        }
        WebArchive war = ServerWar.withPostbox(ServerWar.create(name, db)).addAsLibrary(console)
                .addClass(ConsoleUsers.class)
                .addAsWebInfResource(new StringAsset("""
                        <?xml version="1.0" encoding="UTF-8"?>
                        <!DOCTYPE payara-web-app PUBLIC "-//Payara.fish//DTD Payara Server 4 Servlet 3.0//EN" "https://raw.githubusercontent.com/payara/Payara-Server-Documentation/master/schemas/payara-web-app_4.dtd">
                        <payara-web-app>
                          <security-role-mapping>
                            <role-name>postbox-admin</role-name>
                            <group-name>postbox-admin</group-name>
                          </security-role-mapping>
                        </payara-web-app>
                        """), "payara-web.xml");
        Map<String, String> config = new java.util.HashMap<>(Map.of(
                "postbox.outbox.datasource", ServerWar.DATA_SOURCE,
                "postbox.inbox.datasource", ServerWar.DATA_SOURCE,
                "postbox.inbox.scheduler.enabled", "false",
                "postbox.relay.enabled", "false",
                "postbox.console.refresh-interval", "1h"));
        return ServerWar.config(war, config);
    }

    @Test
    @Order(1)
    void anonymousIs401WithAChallengeAndAUserWithoutTheRole403() throws Exception {
        for (String path : new String[] {"postbox/", "postbox/api/summary", "postbox/api/inbox", "postbox/console.js",
                "postbox/api/activity", "postbox/api/relay/history"}) {
            HttpResponse<String> anonymous = send(client(), get(path, null));
            assertThat(anonymous.statusCode()).as("anonymous GET " + path).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).as(path).hasValueSatisfying(
                    v -> assertThat(v).startsWithIgnoringCase("Basic"));
            assertThat(send(client(), get(path, ConsoleUsers.OTHER + ":wrong")).statusCode())
                    .as("wrong password on " + path).isEqualTo(401);
            assertThat(send(client(), get(path, ConsoleUsers.OTHER + ":" + ConsoleUsers.OTHER_PASSWORD))
                    .statusCode()).as("user without the role on " + path).isEqualTo(403);
        }
        HttpClient clerk = client();
        assertThat(send(clerk, post("postbox/api/inbox/" + DEAD_ID + "/replay", ConsoleUsers.OTHER + ":"
                + ConsoleUsers.OTHER_PASSWORD, Map.of())).statusCode()).isEqualTo(403);
        assertThat(status(DEAD_ID)).isEqualTo("DEAD");
    }

    @Test
    @Order(2)
    void theRoleOpensTheConsoleWithSecureHeadersAndNoSecrets() throws Exception {
        HttpResponse<String> page = send(client(), get("postbox/", admin()));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v)
                .contains("frame-ancestors 'none'").contains("script-src 'self'"));
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        HttpResponse<String> summary = send(client(), get("postbox/api/summary", admin()));
        assertThat(summary.statusCode()).isEqualTo(200);
        assertThat(summary.body()).contains("\"ledger\"").contains("\"DEAD\":1").doesNotContain(db.password())
                .doesNotContain("jdbc:");
        HttpResponse<String> relay = send(client(), get("postbox/api/relay", admin()));
        assertThat(relay.body()).contains("\"state\":\"ABSENT\"");
        HttpResponse<String> activity = send(client(), get("postbox/api/activity", admin()));
        assertThat(activity.statusCode()).as(activity.body()).isEqualTo(200);
        assertThat(activity.body()).contains("\"minutes\":60").contains("\"scopes\":[");
        HttpResponse<String> history = send(client(), get("postbox/api/relay/history", admin()));
        assertThat(history.body()).contains("\"state\":\"ABSENT\"").contains("\"samples\":[]");
    }

    @Test
    @Order(3)
    void badFiltersAre400() throws Exception {
        HttpClient c = client();
        for (String q : new String[] {"limit=100000", "status=GONE", "cursor=%25%25", "from=yesterday", "scpoe=x",
                "from=%2B100000-01-01T00:00:00Z"}) {
            HttpResponse<String> r = send(c, get("postbox/api/inbox?" + q, admin()));
            assertThat(r.statusCode()).as(q).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("application/problem+json"));
        }
    }

    @Test
    @Order(4)
    void aChangeNeedsTheSessionTokenAndTheConsolesOrigin() throws Exception {
        HttpClient operator = client();
        String token = token(operator);
        String replay = "postbox/api/inbox/" + DEAD_ID + "/replay";
        assertThat(send(operator, post(replay, admin(), Map.of())).statusCode()).as("no token").isEqualTo(403);
        assertThat(send(operator, post(replay, admin(), Map.of(PostboxConsole.TOKEN_HEADER, "forged"))).statusCode())
                .as("wrong token").isEqualTo(403);
        assertThat(send(operator, post(replay, admin(), Map.of(PostboxConsole.TOKEN_HEADER, token,
                "Origin", "https://evil.example"))).statusCode()).as("cross-origin").isEqualTo(403);
        assertThat(send(client(), post(replay, admin(), Map.of(PostboxConsole.TOKEN_HEADER, token))).statusCode())
                .as("the token of another session").isEqualTo(403);
        assertThat(status(DEAD_ID)).as("nothing replayed by a refused request").isEqualTo("DEAD");

        assertThat(send(operator, post("postbox/api/inbox/" + UUID.randomUUID() + "/replay", admin(),
                Map.of(PostboxConsole.TOKEN_HEADER, token))).statusCode()).as("no such record").isEqualTo(404);
        assertThat(send(operator, post("postbox/api/inbox/" + COMPLETED_ID + "/replay", admin(),
                Map.of(PostboxConsole.TOKEN_HEADER, token))).statusCode()).as("not DEAD").isEqualTo(409);
        assertThat(send(operator, post("postbox/api/inbox/replay?scope=ledger&expected=7", admin(),
                Map.of(PostboxConsole.TOKEN_HEADER, token))).statusCode()).as("count changed").isEqualTo(409);
        assertThat(status(DEAD_ID)).isEqualTo("DEAD");
    }

    @Test
    @Order(5)
    void valuesFromMessagesRenderAsTextAndReplayWorksFromThePage() throws Exception {
        try (WebClient browser = new WebClient(BrowserVersion.FIREFOX)) {
            browser.getOptions().setThrowExceptionOnScriptError(true);
            browser.getOptions().setCssEnabled(false);
            ((DefaultCredentialsProvider) browser.getCredentialsProvider()).addCredentials(ConsoleUsers.ADMIN,
                    ConsoleUsers.ADMIN_PASSWORD.toCharArray());
            HtmlPage page = browser.getPage(new URL(base, "postbox/"));
            browser.waitForBackgroundJavaScript(10_000);
            DomElement dead = page.querySelector("#inbox-table tbody tr[data-id='" + DEAD_ID + "']");
            assertThat(dead).as("the DEAD record on the page\n" + page.asNormalizedText()).isNotNull();
            assertThat(dead.getTextContent()).contains(SCRIPT_KEY).contains(SCRIPT_ERROR);
            assertThat(page.querySelector("#outbox-table tbody").getTextContent()).contains(SCRIPT_PAYLOAD);
            assertThat(page.querySelectorAll("#inbox-table script, #outbox-table script, #inbox-table img"))
                    .as("no markup from messages").isEmpty();
            for (String flag : new String[] {"pwnedKey", "pwnedError", "pwnedPayload"}) {
                assertThat(page.executeJavaScript("typeof window." + flag).getJavaScriptResult()).as(flag)
                        .isEqualTo("undefined");
            }
            ((DomElement) dead.querySelector("button.replay")).click();
            browser.waitForBackgroundJavaScript(10_000);
            assertThat(page.getElementById("message").getTextContent()).contains("Replay requested");
        }
        assertThat(status(DEAD_ID)).as("a replayed record without a registered handler waits for its sender")
                .isEqualTo("FAILED");
    }

    // ---------------------------------------------------------------- helpers

    private static String admin() {
        return ConsoleUsers.ADMIN + ":" + ConsoleUsers.ADMIN_PASSWORD;
    }

    private static String status(UUID id) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s = c.prepareStatement("select status from postbox_inbox where id = ?")) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    private String token(HttpClient client) throws Exception {
        HttpResponse<String> session = send(client, get("postbox/api/session", admin()));
        assertThat(session.statusCode()).isEqualTo(200);
        String body = session.body();
        int at = body.indexOf("\"token\":\"") + 9;
        return body.substring(at, body.indexOf('"', at));
    }

    private HttpRequest get(String path, String credentials) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(base, path)).GET();
        if (credentials != null) {
            b.header("Authorization", basic(credentials));
        }
        return b.build();
    }

    private HttpRequest post(String path, String credentials, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(base, path)).POST(HttpRequest.BodyPublishers.noBody())
                .header("Authorization", basic(credentials));
        headers.forEach(b::header);
        return b.build();
    }

    private static URI uri(URL root, String path) {
        String r = root.toString().endsWith("/") ? root.toString() : root + "/";
        return URI.create(r).resolve(path);
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request)
            throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
