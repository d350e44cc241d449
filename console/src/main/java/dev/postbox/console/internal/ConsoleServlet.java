package dev.postbox.console.internal;

import dev.postbox.common.JndiDataSource;
import dev.postbox.inbox.InboxHistory;
import dev.postbox.inbox.InboxRecord;
import dev.postbox.inbox.InboxStatus;
import dev.postbox.inbox.internal.cdi.InboxRuntimeBean;
import dev.postbox.inbox.internal.metrics.InboxCounters;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console: its page and static files, and its REST API under {@code <path>/api/}. Every request passes
 * {@link ConsoleGuard} first; every answer carries headers that keep the page from being framed, sniffed or made
 * to run foreign script. The page inserts every value with {@code textContent}, so data from messages stays text.
 */
public final class ConsoleServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(ConsoleServlet.class.getName());

    static final String SESSION_TOKEN = ConsoleServlet.class.getName() + ".token";
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** At most this many records per bulk replay: a larger set is narrowed by scope or time range first. */
    static final int MAX_BULK = 1000;
    /**
     * How old the summary's COMPLETED counts may be: counting them reads the whole inbox table (a third of a second
     * on a million records), so it happens at most once a minute per instance, not on every refresh of every page.
     */
    static final java.time.Duration COMPLETED_MAX_AGE = java.time.Duration.ofMinutes(1);

    private static final Map<String, String> STATIC = Map.of("/", "index.html", "/index.html", "index.html",
            "/console.js", "console.js", "/console.css", "console.css");
    private static final Pattern INBOX_ID = Pattern.compile("^/api/inbox/([^/]+)$");
    private static final Pattern INBOX_REPLAY = Pattern.compile("^/api/inbox/([^/]+)/replay$");
    private static final Pattern PARKED_REPLAY = Pattern.compile("^/api/relay/parked/([^/]+)/replay$");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final transient ConsoleConfig config;
    private final transient Jsonb jsonb = newJsonb();
    private transient volatile ConsoleQueries queries;
    /** This instance's inbox counts (charts): the inbox's CDI bean in a deployment. */
    private final transient Supplier<InboxCounters> counters;
    /** The relay, or empty: the relay's CDI bean in a deployment. */
    private final transient Supplier<Optional<RelayAccess.Relay>> relay;

    ConsoleServlet(ConsoleConfig config) {
        this(config, null, ConsoleServlet::cdiCounters, RelayAccess::current);
    }

    /** With the queries, the inbox counts and the relay given (tests run the servlet without CDI or JNDI). */
    ConsoleServlet(ConsoleConfig config, ConsoleQueries queries, Supplier<InboxCounters> counters,
            Supplier<Optional<RelayAccess.Relay>> relay) {
        this.config = config;
        this.queries = queries;
        this.counters = counters;
        this.relay = relay;
    }

    /** The console's JSON-B: null values are written, so every record has all its fields. */
    static Jsonb newJsonb() {
        return JsonbBuilder.create(new JsonbConfig().withNullValues(true));
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        secureHeaders(resp);
        if (req.getUserPrincipal() == null && authenticate(req, resp)) {
            return; // the application's login mechanism answered (BASIC: 401 with WWW-Authenticate)
        }
        HttpSession session = req.getSession(false);
        ConsoleGuard.Decision decision = ConsoleGuard.decide(new ConsoleGuard.Request(req.getMethod(),
                req.getUserPrincipal() != null, req.getUserPrincipal() != null && req.isUserInRole(config.role()),
                req.getScheme() + "://" + req.getHeader("Host"), req.getHeader("Origin"),
                req.getHeader("Sec-Fetch-Site"), req.getHeader(ConsoleGuard.TOKEN_HEADER),
                session == null ? null : (String) session.getAttribute(SESSION_TOKEN)));
        if (decision != ConsoleGuard.Decision.ALLOW) {
            problem(resp, decision.status(), decision.message());
            return;
        }
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        try {
            route(req, resp, path);
        } catch (ConsoleException e) {
            problem(resp, e.status(), e.getMessage());
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "Postbox console: " + req.getMethod() + " " + path + " failed", e);
            problem(resp, 500, "the console could not answer (" + e.getClass().getSimpleName()
                    + "); the server log has the details");
        }
    }

    private void route(HttpServletRequest req, HttpServletResponse resp, String path)
            throws IOException, SQLException {
        String method = req.getMethod().toUpperCase(java.util.Locale.ROOT);
        boolean get = "GET".equals(method) || "HEAD".equals(method);
        if (path.isEmpty()) {
            resp.sendRedirect(req.getContextPath() + config.path() + "/");
            return;
        }
        if (get && STATIC.containsKey(path)) {
            resource(resp, STATIC.get(path));
            return;
        }
        Matcher m;
        if (get) {
            switch (path) {
                case "/api/session" -> json(resp, 200, session(req));
                case "/api/summary" -> json(resp, 200, summary());
                case "/api/inbox" -> json(resp, 200, inbox(req));
                case "/api/inbox/replay" -> json(resp, 200, Map.of("count", deadCount(req)));
                case "/api/outbox" -> json(resp, 200, outbox(req));
                case "/api/relay" -> json(resp, 200, relay(req));
                case "/api/activity" -> json(resp, 200, activity(req));
                case "/api/relay/history" -> json(resp, 200, relayHistory(req));
                default -> {
                    if ((m = INBOX_ID.matcher(path)).matches()) {
                        new Params(req.getParameterMap(), Set.of());
                        UUID id = Params.uuid("inbox record id", m.group(1));
                        json(resp, 200, history().find(id).orElseThrow(() -> ConsoleException.notFound(
                                "no inbox record " + id)));
                    } else {
                        throw ConsoleException.notFound("no console resource " + path);
                    }
                }
            }
            return;
        }
        if (!"POST".equals(method)) {
            throw new ConsoleException(405, method + " is not allowed on " + path);
        }
        if ("/api/inbox/replay".equals(path)) {
            json(resp, 200, bulkReplay(req));
        } else if ((m = INBOX_REPLAY.matcher(path)).matches()) {
            json(resp, 200, replayInbox(req, Params.uuid("inbox record id", m.group(1))));
        } else if ((m = PARKED_REPLAY.matcher(path)).matches()) {
            json(resp, 202, replayParked(req, Params.uuid("event id", m.group(1))));
        } else {
            throw ConsoleException.notFound("no console resource " + path);
        }
    }

    // ---------------------------------------------------------------- resources

    private Map<String, Object> session(HttpServletRequest req) {
        new Params(req.getParameterMap(), Set.of());
        HttpSession session = req.getSession(true);
        String token = (String) session.getAttribute(SESSION_TOKEN);
        if (token == null) {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            token = HexFormat.of().formatHex(bytes);
            session.setAttribute(SESSION_TOKEN, token);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", req.getUserPrincipal().getName());
        m.put("role", config.role());
        m.put("token", token);
        m.put("tokenHeader", ConsoleGuard.TOKEN_HEADER);
        m.put("refreshSeconds", Math.max(1, config.refreshInterval().toSeconds()));
        m.put("relay", RelayAccess.present());
        return m;
    }

    private Map<String, Object> summary() throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        ConsoleQueries.SummaryCounts counts = queries().summaryCounts(COMPLETED_MAX_AGE);
        m.put("inbox", counts.counts());
        m.put("completedCountedAt", counts.completedCountedAt());
        m.put("outbox", queries().outboxCounts());
        m.put("consumerScopes", config.consumerScopes());
        m.put("database", queries().database());
        return m;
    }

    private ConsoleQueries.Page<ConsoleQueries.InboxRow> inbox(HttpServletRequest req) throws SQLException {
        Params p = new Params(req.getParameterMap(), Set.of("scope", "status", "from", "to", "limit", "cursor"));
        return queries().inbox(new ConsoleQueries.InboxFilter(p.text("scope").orElse(null),
                p.statuses("status", InboxStatus.class), p.range(), p.cursor().orElse(null), p.limit()));
    }

    private ConsoleQueries.Page<ConsoleQueries.OutboxRow> outbox(HttpServletRequest req) throws SQLException {
        Params p = new Params(req.getParameterMap(), Set.of("status", "type", "from", "to", "limit", "cursor"));
        Set<ConsoleQueries.OutboxStatus> statuses = p.statuses("status", ConsoleQueries.OutboxStatus.class);
        if (statuses.size() > 1) {
            throw ConsoleException.badRequest("give one outbox status at a time, or none for all");
        }
        return queries().outbox(new ConsoleQueries.OutboxFilter(statuses.stream().findFirst().orElse(null),
                p.text("type").orElse(null), p.range(), p.cursor().orElse(null), p.limit()));
    }

    private Object relay(HttpServletRequest req) {
        Params p = new Params(req.getParameterMap(), Set.of("limit"));
        int limit = p.limit();
        return relay.get().<Object>map(r -> r.view(limit))
                .orElseGet(() -> Map.of("state", "ABSENT", "parked", List.of()));
    }

    private Activity.InboxActivity activity(HttpServletRequest req) {
        new Params(req.getParameterMap(), Set.of());
        return Activity.of(counters.get());
    }

    private RelayAccess.RelayHistory relayHistory(HttpServletRequest req) {
        new Params(req.getParameterMap(), Set.of());
        return relay.get().map(RelayAccess.Relay::history)
                .orElseGet(() -> new RelayAccess.RelayHistory("ABSENT", List.of()));
    }

    private long deadCount(HttpServletRequest req) throws SQLException {
        Params p = new Params(req.getParameterMap(), Set.of("scope", "from", "to"));
        return queries().deadCount(p.text("scope").orElse(null), p.range());
    }

    /**
     * Replays the DEAD records of a scope and time range. The confirmation is the count the person saw
     * ({@code expected}, from {@code GET api/inbox/replay}): when the set changed meanwhile nothing is replayed and
     * the answer (409) carries the new count to confirm.
     */
    private Map<String, Object> bulkReplay(HttpServletRequest req) throws SQLException {
        Params p = new Params(req.getParameterMap(), Set.of("scope", "from", "to", "expected"));
        String scope = p.text("scope").orElse(null);
        Params.Range range = p.range();
        long expected = p.count("expected");
        long count = queries().deadCount(scope, range);
        if (count != expected) {
            throw ConsoleException.conflict("the filter now matches " + count + " DEAD records, not " + expected
                    + "; nothing was replayed: confirm the new count");
        }
        if (count > MAX_BULK) {
            throw ConsoleException.badRequest(count + " DEAD records match; one bulk replay takes at most " + MAX_BULK
                    + ": narrow it by scope or time range");
        }
        InboxHistory history = history();
        int replayed = 0;
        int skipped = 0;
        for (UUID id : queries().deadIds(scope, range, MAX_BULK)) {
            try {
                history.replay(id);
                replayed++;
            } catch (IllegalStateException | NoSuchElementException e) {
                skipped++; // replayed or purged meanwhile
            }
        }
        LOG.info("Postbox console: " + req.getUserPrincipal().getName() + " replayed " + replayed
                + " DEAD inbox records (scope " + (scope == null ? "any" : scope) + ", " + skipped + " skipped)");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("replayed", replayed);
        m.put("skipped", skipped);
        return m;
    }

    private InboxRecord replayInbox(HttpServletRequest req, UUID id) {
        new Params(req.getParameterMap(), Set.of());
        try {
            InboxRecord r = history().replay(id);
            LOG.info("Postbox console: " + req.getUserPrincipal().getName() + " replayed inbox record " + id
                    + ": now " + r.status());
            return r;
        } catch (NoSuchElementException e) {
            throw ConsoleException.notFound("no inbox record " + id);
        } catch (IllegalStateException e) {
            throw ConsoleException.conflict("inbox record " + id + " is not DEAD; only dead records are replayed");
        }
    }

    private Map<String, Object> replayParked(HttpServletRequest req, UUID id) throws SQLException {
        new Params(req.getParameterMap(), Set.of());
        Optional<RelayAccess.Relay> current = relay.get();
        if (current.isEmpty()) {
            throw ConsoleException.notFound("this application runs no outbox relay: no parked event " + id);
        }
        if (!current.get().replay(id)) {
            String status = queries().parkedStatus(id);
            if (status != null) {
                throw ConsoleException.conflict("event " + id + " is " + status + ": it is replayed with the "
                        + "parked event of its aggregate");
            }
            throw ConsoleException.notFound("no parked event " + id);
        }
        LOG.info("Postbox console: " + req.getUserPrincipal().getName() + " requested a replay of parked event "
                + id);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eventId", id.toString());
        m.put("replayRequested", true);
        return m;
    }

    // ---------------------------------------------------------------- plumbing

    private InboxHistory history() {
        Instance<InboxHistory> instance = CDI.current().select(InboxHistory.class);
        if (!instance.isResolvable()) {
            throw new ConsoleException(503, "no InboxHistory bean: is postbox-inbox deployed in this application?");
        }
        return instance.get();
    }

    private static InboxCounters cdiCounters() {
        Instance<InboxRuntimeBean> instance = CDI.current().select(InboxRuntimeBean.class);
        if (!instance.isResolvable()) {
            throw new ConsoleException(503, "no inbox in this application: is postbox-inbox deployed in it?");
        }
        return instance.get().runtime().counters();
    }

    private ConsoleQueries queries() {
        ConsoleQueries q = queries;
        if (q == null) {
            q = new ConsoleQueries(JndiDataSource.resolve(config.datasourceKey(), config.datasource()),
                    config.inboxTable(),
                    config.outboxTable(), RelayAccess.present() ? config.parkedTable() : null,
                    config.consumerScopes(), config.dialect(), config.datasourceKey());
            queries = q;
        }
        return q;
    }

    /**
     * Asks the application's login mechanism to authenticate an anonymous request (the standard
     * {@code HttpServletRequest.authenticate}): true when it answered itself (a challenge), false when the request is
     * now authenticated or nothing could challenge (then the guard answers 401).
     */
    private static boolean authenticate(HttpServletRequest req, HttpServletResponse resp) {
        try {
            return !req.authenticate(resp) && resp.isCommitted();
        } catch (ServletException | IOException | RuntimeException e) {
            LOG.log(Level.FINE, "Postbox console: no login mechanism could authenticate the request", e);
            return resp.isCommitted();
        }
    }

    static void secureHeaders(HttpServletResponse resp) {
        resp.setHeader("Content-Security-Policy", CSP);
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("X-Frame-Options", "DENY");
        resp.setHeader("Referrer-Policy", "no-referrer");
        resp.setHeader("Cache-Control", "no-store");
    }

    private void resource(HttpServletResponse resp, String name) throws IOException {
        try (InputStream in = ConsoleServlet.class.getResourceAsStream("web/" + name)) {
            if (in == null) {
                throw ConsoleException.notFound("no console resource " + name);
            }
            String type = name.endsWith(".js") ? "text/javascript" : name.endsWith(".css") ? "text/css"
                    : "text/html";
            resp.setContentType(type + ";charset=UTF-8");
            in.transferTo(resp.getOutputStream());
        }
    }

    private void json(HttpServletResponse resp, int status, Object body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json;charset=UTF-8");
        resp.getOutputStream().write(jsonb.toJson(body).getBytes(StandardCharsets.UTF_8));
    }

    private void problem(HttpServletResponse resp, int status, String detail) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.setStatus(status);
        if (status == 401) {
            resp.setHeader("WWW-Authenticate", "Basic realm=\"postbox-console\"");
        }
        resp.setContentType("application/problem+json;charset=UTF-8");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "about:blank");
        m.put("title", title(status));
        m.put("status", status);
        m.put("detail", detail);
        resp.getOutputStream().write(jsonb.toJson(m).getBytes(StandardCharsets.UTF_8));
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }
}
