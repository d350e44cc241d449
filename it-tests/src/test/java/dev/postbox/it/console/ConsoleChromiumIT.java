package dev.postbox.it.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.it.callers.app.Transfer;
import dev.postbox.it.console.app.ConsoleUsers;
import dev.postbox.it.harness.Http;
import dev.postbox.it.harness.Server;
import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.PostgresServer.Database;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console page in a real browser: Debian's headless Chromium loads it from the application server with each of
 * the two users ({@link ConsoleUsers}), runs its JavaScript against the server, and the DOM it ends up with is
 * checked; a screenshot of each is kept in {@code target/chromium/} as a build artifact for people.
 *
 * <p>Not part of the default test command: a browser cannot come from Maven Central, so this class runs only with
 * {@code -Pchromium} (after {@code apt-get install chromium}; another binary with {@code -Dchromium.binary=...}).
 * ConsoleIT checks the same page with HtmlUnit in every run.
 */
@ExtendWith(ArquillianExtension.class)
class ConsoleChromiumIT {

    /** The browser binary, set by the {@code chromium} profile. */
    static final String BINARY_PROPERTY = "postbox.it.chromium";

    private static final String SCRIPT_KEY = "<script>window.pwnedKey=1</script>";
    private static final String SCRIPT_ERROR = "<img src=x onerror=\"document.body.dataset.pwned='error'\">";
    private static final String SCRIPT_PAYLOAD = "<script>document.body.dataset.pwned='payload'</script>";
    private static final UUID DEAD_ID = UUID.randomUUID();
    static Database db;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive war() {
        db = PostgresServer.shared().createDatabase("console_chromium_it");
        db.execute(dev.postbox.it.harness.ServerWar.postboxSchema());
        db.execute("insert into postbox_inbox (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, last_error, history) values ('" + DEAD_ID + "', 'ledger', '" + SCRIPT_KEY
                + "', repeat('0', 64), 'DEAD', 3, 3, '" + SCRIPT_ERROR.replace("'", "''") + "', "
                + "'[{\"attempt\":3,\"startedAt\":\"2026-12-01T10:00:00Z\",\"outcome\":\"DEAD\",\"error\":\"boom\"}]')",
                "insert into postbox_inbox (id, scope, idempotency_key, fingerprint, status, attempts, max_attempts)"
                + " select gen_random_uuid(), s, 'key-' || s || '-' || g, repeat('0', 64), 'COMPLETED', 1, 3"
                + " from unnest(array['ledger', 'deposits', 'gateway']) s, generate_series(1, 4) g",
                "insert into outbox_event (id, aggregatetype, aggregateid, type, payload) values ('"
                + UUID.randomUUID() + "', 'Account', 'a1', 'Note', '{\"note\": \""
                + SCRIPT_PAYLOAD.replace("'", "''") + "\"}')");
        db.execute("create table transfer_effect (id bigserial primary key, caller varchar(64) not null,"
                + " recipient varchar(64), amount bigint not null)");
        return ConsoleIT.consoleWar("console-chromium-it", db).addPackage(Transfer.class.getPackage());
    }

    @Test
    void theRoleSeesThePageRenderedWithMessageValuesAsText() throws Exception {
        // traffic for the "last hour" chart: three transfers, each sent twice (a first delivery and a duplicate)
        for (int i = 1; i <= 3; i++) {
            for (int send = 0; send < 2; send++) {
                Http.Response r = Http.post(base, "api/transfers", "application/json",
                        "{\"to\":\"acc-" + i + "\",\"amount\":" + i + "}", Map.of("Idempotency-Key", "t-" + i,
                        "Authorization", "Basic " + Base64.getEncoder().encodeToString((ConsoleUsers.ADMIN + ":"
                        + ConsoleUsers.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8))));
                assertThat(r.status()).as(r.body()).isEqualTo(201);
            }
        }
        String dom = chromium(ConsoleUsers.ADMIN, ConsoleUsers.ADMIN_PASSWORD, "console");
        assertThat(dom).as("the page's requests all came back").containsPattern("<body[^>]*data-loaded=\"true\"");
        assertThat(dom).as("the DEAD record is listed").contains("data-id=\"" + DEAD_ID + "\"");
        assertThat(dom).as("the key from the message is shown as text")
                .contains("&lt;script&gt;window.pwnedKey=1&lt;/script&gt;");
        assertThat(dom).as("the error text from the message is shown as text").contains("&lt;img src=x onerror=");
        assertThat(dom).as("the payload from the message is shown as text")
                .contains("&lt;script&gt;document.body.dataset.pwned=");
        assertThat(dom).as("no markup from messages became elements").doesNotContain("<script>window.pwnedKey")
                .doesNotContain("<img src=\"x\"").doesNotContain("data-pwned=");
        assertThat(dom).as("the last hour of the transfers scope is drawn: 3 deliveries, 3 duplicates")
                .containsPattern("<svg[^>]*aria-label=\"transfers deliveries per minute, last [0-9]+ minutes: 3 in all")
                .containsPattern("<svg[^>]*aria-label=\"transfers duplicates per minute, last [0-9]+ minutes: 3 in all");
        assertThat(dom).as("three scopes counted in the summary").contains("deposits").contains("gateway");
        assertThat(dom).as("no error message on the page").doesNotContainPattern("id=\"message\"[^>]*class=\"error\"");
    }

    @Test
    void aUserWithoutTheRoleSeesNoRecords() throws Exception {
        String dom = chromium(ConsoleUsers.OTHER, ConsoleUsers.OTHER_PASSWORD, "forbidden");
        assertThat(dom).as("the console's page is not served").doesNotContain("id=\"inbox-table\"")
                .doesNotContain(DEAD_ID.toString()).doesNotContain("pwnedKey");
    }

    /**
     * Loads the console as {@code user} in headless Chromium; returns the DOM after the page's JavaScript ran and
     * keeps a screenshot as {@code target/chromium/<name>-<server>.png}. BASIC credentials go in the URL's user
     * info, the way a headless run answers a challenge; they are never printed.
     */
    private String chromium(String user, String password, String name) throws IOException, InterruptedException {
        String binary = System.getProperty(BINARY_PROPERTY, "chromium");
        Path out = Path.of("target", "chromium");
        Files.createDirectories(out);
        String server = Server.current().id();
        String root = base.toString().endsWith("/") ? base.toString() : base + "/";
        String url = root.replaceFirst("://", "://" + user + ":" + password + "@") + "postbox/";
        Path profile = Files.createTempDirectory("chromium-profile");
        try {
            Path dom = out.resolve(name + "-" + server + ".html");
            run(binary, profile, List.of("--dump-dom", url), dom, out.resolve(name + "-" + server + ".log"));
            Path png = out.resolve(name + "-" + server + ".png");
            Files.deleteIfExists(png);
            run(binary, profile, List.of("--screenshot=" + png.toAbsolutePath(), url), null,
                    out.resolve(name + "-" + server + "-screenshot.log"));
            assertThat(png).as("the screenshot").exists();
            byte[] head = Files.readAllBytes(png);
            assertThat(head.length).as("the screenshot's size").isGreaterThan(5_000);
            assertThat(new String(head, 1, 3, StandardCharsets.ISO_8859_1)).as("a PNG").isEqualTo("PNG");
            return Files.readString(dom);
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(String binary, Path profile, List<String> what, Path stdout, Path log)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--window-size=1400,1600",
                "--virtual-time-budget=15000"));
        command.addAll(what);
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
        pb.redirectOutput(stdout != null ? stdout.toFile() : log.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("Chromium not found as '" + binary + "': install it (apt-get install -y "
                    + "chromium) or name it with -Dchromium.binary=/path/to/chromium", e);
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("Chromium did not finish within 120 s; see " + log);
        }
        assertThat(p.exitValue()).as("Chromium's exit code; see " + log).isZero();
    }
}
