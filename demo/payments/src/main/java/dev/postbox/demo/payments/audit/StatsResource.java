package dev.postbox.demo.payments.audit;

import dev.postbox.demo.payments.DemoStats;
import dev.postbox.demo.payments.account.FundsScreening;
import dev.postbox.inbox.InboxAttempt;
import dev.postbox.inbox.InboxHistory;
import dev.postbox.inbox.InboxRecord;
import dev.postbox.inbox.InboxScopeStatus;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * {@code GET /api/stats}: the numbers the launcher prints. Counts come from the database (what was applied) and
 * the inbox history (attempts, failures); the in-memory counters of {@link DemoStats} only say how many
 * deliveries arrived.
 */
@ApplicationScoped
@Path("stats")
@Produces(MediaType.APPLICATION_JSON)
public class StatsResource {

    @Inject
    DemoStats stats;

    @Inject
    InboxHistory inbox;

    @Inject
    FundsScreening screening;

    @Resource(lookup = "java:app/jdbc/payments")
    DataSource dataSource;

    /**
     * The inbox is read before the database counts, with separate statements: a handler's rows and its inbox
     * record commit together, so whatever this answer counts COMPLETED is in its database counts too (read in the
     * other order, a booking committing in between showed COMPLETED with its ledger entry missing).
     */
    @GET
    public Map<String, Object> stats() throws SQLException {
        Map<String, ScopeStats> inboxStats = inbox();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("webhooks", stats.webhooks());
        m.put("consumer", stats.consumer());
        m.put("database", database());
        m.put("inbox", inboxStats);
        m.put("screening", Map.of("calls", screening.calls()));
        m.put("ledgerBreaker", breaker(inbox.scopeStatus("ledger")));
        return m;
    }

    /**
     * Counts and sums; a sum is read as a number of any size (PostgreSQL's {@code sum(bigint)} is {@code numeric}),
     * so large balances never make this endpoint fail.
     */
    private static final java.math.BigDecimal LONG_MAX = java.math.BigDecimal.valueOf(Long.MAX_VALUE);
    private static final java.math.BigDecimal LONG_MIN = java.math.BigDecimal.valueOf(Long.MIN_VALUE);

    private Map<String, Number> database() throws SQLException {
        Map<String, Number> m = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("""
                        select (select count(*) from account) as accounts,
                               (select coalesce(sum(balance), 0) from account) as balances,
                               (select count(*) from deposit) as deposits,
                               (select coalesce(sum(amount), 0) from deposit) as deposited,
                               (select count(*) from payment) as payments,
                               (select coalesce(sum(amount), 0) from payment) as paid,
                               (select count(*) from outbox_event) as outbox_events,
                               (select count(*) from ledger_entry) as ledger_entries,
                               (select count(distinct event_id) from ledger_entry) as ledger_distinct_events,
                               (select coalesce(sum(amount), 0) from ledger_entry) as ledger_amount,
                               (select count(*) from compliance_report) as compliance_reports,
                               (select count(*) from postbox_relay_parked) as relay_parked_rows,
                               (select count(*) from postbox_inbox_step where scope = 'deposits'
                                   and name = 'screen' and status = 'COMPLETED') as deposit_screen_steps
                        """)) {
            rs.next();
            int columns = rs.getMetaData().getColumnCount();
            for (int i = 1; i <= columns; i++) {
                java.math.BigDecimal value = rs.getBigDecimal(i);
                m.put(camel(rs.getMetaData().getColumnLabel(i)), value.compareTo(LONG_MIN) >= 0
                        && value.compareTo(LONG_MAX) <= 0 ? (Number) value.longValue() : value);
            }
        }
        return m;
    }

    /** Per scope: records by status, records by number of attempts, failed attempts (from the history). */
    private Map<String, ScopeStats> inbox() {
        List<InboxRecord> records = inbox.list(InboxHistory.Filter.all().limit(1000));
        Map<String, ScopeStats> byScope = new TreeMap<>();
        for (InboxRecord r : records) {
            ScopeStats s = byScope.computeIfAbsent(r.scope(), k -> new ScopeStats());
            s.statuses.merge(r.status().name(), 1L, Long::sum);
            s.attempts.merge(String.valueOf(r.attempts()), 1L, Long::sum);
            for (InboxAttempt a : r.history()) {
                if ("FAILED".equals(a.outcome()) || "DEAD".equals(a.outcome())) {
                    s.failedAttempts++;
                }
            }
        }
        return byScope;
    }

    /** The circuit breaker and rate limit of a scope, as numbers and text for the launcher. */
    private static Map<String, Object> breaker(InboxScopeStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", s.breaker().name());
        m.put("consecutiveFailures", s.consecutiveFailures());
        m.put("failureThreshold", s.failureThreshold());
        m.put("coolDownMillis", s.coolDown().toMillis());
        m.put("opens", s.opens());
        m.put("probes", s.probes());
        m.put("maxPerSecond", s.maxPerSecond());
        m.put("deferred", s.deferred());
        return m;
    }

    private static String camel(String snake) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char ch : snake.toCharArray()) {
            if (ch == '_') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(ch) : ch);
                up = false;
            }
        }
        return b.toString();
    }

    /** One inbox scope: records per status, records per number of attempts, failed attempts (from history). */
    public static final class ScopeStats {
        private final Map<String, Long> statuses = new TreeMap<>();
        private final Map<String, Long> attempts = new TreeMap<>();
        private long failedAttempts;

        public Map<String, Long> getStatuses() {
            return statuses;
        }

        public Map<String, Long> getAttempts() {
            return attempts;
        }

        public long getFailedAttempts() {
            return failedAttempts;
        }
    }
}
