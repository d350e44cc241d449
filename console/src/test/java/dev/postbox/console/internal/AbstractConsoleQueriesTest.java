package dev.postbox.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.inbox.InboxStatus;
import dev.postbox.testkit.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The console's queries on one database: {@link ConsoleQueriesTest} (PostgreSQL) and
 * {@link ConsoleQueriesOnMariaDbTest} run the same assertions; the subclasses give the database, its shipped DDL
 * and the fixtures in its SQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractConsoleQueriesTest {

    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    TestDatabase db;

    /** A fresh database on this suite's server. */
    abstract TestDatabase createDatabase(String prefix);

    /** Creates the shipped tables: the inbox's, and with {@code all} the outbox's and the relay's too. */
    abstract void createTables(TestDatabase database, boolean all);

    /**
     * 250 ledger records one second apart from {@link #T0} (every tenth DEAD with an error and one history entry,
     * the first 20 sharing {@link #T0} to test ties), 20 FAILED deposits one second apart from 11:00.
     */
    abstract void seed(TestDatabase database);

    /** A fixture's SQL, written for PostgreSQL, in this database's spelling. */
    abstract String sql(String postgresql);

    /** The open statuses' count of the summary can be read through an index on {@code status}. */
    abstract void assertOpenStatusesCanUseAnIndex(TestDatabase database) throws Exception;

    /** A scope's page ({@code scope = ? and (created_at, id) < (?, ?)}, newest first) reads the scope's index. */
    abstract void assertScopePageUsesTheScopeIndex(TestDatabase database) throws Exception;

    /** The database's name as the summary shows it. */
    abstract String databaseName();

    @BeforeAll
    void schema() {
        db = createDatabase("console");
        createTables(db, true);
        seed(db);
    }

    private ConsoleQueries queries(List<String> consumerScopes) {
        return new ConsoleQueries(db.dataSource(), "postbox_inbox", "outbox_event", "postbox_relay_parked",
                consumerScopes);
    }

    private static ConsoleQueries.InboxFilter filter(String scope, Set<InboxStatus> statuses, Cursor after,
            int limit) {
        return new ConsoleQueries.InboxFilter(scope, statuses, new Params.Range(null, null), after, limit);
    }

    @Test
    void keysetPagesCoverEveryRecordOnceNewestFirstTiesIncluded() throws Exception {
        ConsoleQueries q = queries(List.of());
        List<ConsoleQueries.InboxRow> all = new ArrayList<>();
        Cursor after = null;
        int pages = 0;
        do {
            ConsoleQueries.Page<ConsoleQueries.InboxRow> page = q.inbox(filter("ledger", Set.of(), after, 100));
            all.addAll(page.items());
            after = page.nextCursor() == null ? null : Cursor.decode(page.nextCursor());
            pages++;
        } while (after != null);
        assertThat(pages).isEqualTo(3);
        assertThat(all).hasSize(250);
        assertThat(new HashSet<>(all.stream().map(ConsoleQueries.InboxRow::id).toList())).hasSize(250);
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).createdAt()).isBeforeOrEqualTo(all.get(i - 1).createdAt());
        }
        assertThat(all.get(0).key()).isEqualTo("k250");
        // the servlet writes pages with JSON-B, which needs the records' accessors public
        String json = ConsoleServlet.newJsonb().toJson(q.inbox(filter("ledger", Set.of(), null, 1)));
        assertThat(json).contains("\"key\":\"k250\"").contains("\"nextCursor\":\"")
                .contains("\"history\":[{\"attempt\":1");
        assertThat(all.get(0).history()).singleElement().satisfies(a -> assertThat(a.outcome()).isEqualTo("DEAD"));
    }

    @Test
    void filtersByScopeStatusAndTimeRange() throws Exception {
        ConsoleQueries q = queries(List.of());
        assertThat(q.inbox(filter("ledger", Set.of(InboxStatus.DEAD), null, 500)).items()).hasSize(25)
                .allSatisfy(r -> assertThat(r.lastError()).isEqualTo("boom <script>alert(1)</script>"));
        assertThat(q.inbox(filter(null, Set.of(InboxStatus.FAILED, InboxStatus.DEAD), null, 500)).items())
                .hasSize(45);
        Params.Range range = new Params.Range(T0.plusSeconds(100), T0.plusSeconds(200));
        assertThat(q.inbox(new ConsoleQueries.InboxFilter("ledger", Set.of(), range, null, 500)).items())
                .hasSize(100);
        assertThat(q.deadCount("ledger", range)).isEqualTo(10);
        assertThat(q.deadIds("ledger", range, 1000)).hasSize(10);
        assertThat(q.deadCount(null, new Params.Range(null, null))).isEqualTo(25);
        assertThat(q.inboxCounts()).containsEntry("ledger", Map.of("COMPLETED", 225L, "DEAD", 25L))
                .containsEntry("deposits", Map.of("FAILED", 20L));
    }

    @Test
    void theSummaryCountsOpenStatusesEveryTimeAndCompletedAtMostOncePerMaxAge() throws Exception {
        TestDatabase own = createDatabase("consolesummary");
        createTables(own, false);
        String insert = sql("insert into postbox_inbox (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts) values (gen_random_uuid(), 'ledger', '%s', repeat('0', 64), '%s', 1, 3)");
        own.execute(String.format(insert, "a", "COMPLETED"), String.format(insert, "b", "DEAD"));
        ConsoleQueries q = new ConsoleQueries(own.dataSource(), "postbox_inbox", "outbox_event", null, List.of());
        ConsoleQueries.SummaryCounts first = q.summaryCounts(java.time.Duration.ofHours(1));
        assertThat(first.counts()).isEqualTo(Map.of("ledger", Map.of("COMPLETED", 1L, "DEAD", 1L)));
        assertThat(first.counts()).isEqualTo(q.inboxCounts());

        own.execute(String.format(insert, "c", "COMPLETED"), String.format(insert, "d", "DEAD"),
                String.format(insert, "e", "FAILED"));
        ConsoleQueries.SummaryCounts cached = q.summaryCounts(java.time.Duration.ofHours(1));
        assertThat(cached.counts()).as("the statuses that need a person are fresh; COMPLETED waits")
                .isEqualTo(Map.of("ledger", Map.of("COMPLETED", 1L, "DEAD", 2L, "FAILED", 1L)));
        assertThat(cached.completedCountedAt()).isEqualTo(first.completedCountedAt());
        ConsoleQueries.SummaryCounts fresh = q.summaryCounts(java.time.Duration.ZERO);
        assertThat(fresh.counts()).isEqualTo(q.inboxCounts())
                .isEqualTo(Map.of("ledger", Map.of("COMPLETED", 2L, "DEAD", 2L, "FAILED", 1L)));
        // the open statuses are read through the (status, created_at) index, not the whole table
        assertOpenStatusesCanUseAnIndex(own);
    }

    @Test
    void aScopeFilteredPageIsAnIndexRangeScan() throws Exception {
        TestDatabase big = createDatabase("consoleplan");
        createTables(big, false);
        assertScopePageUsesTheScopeIndex(big);
    }

    @Test
    void theSummaryNamesTheDatabaseAndWhatTheRelayLagMeasures() throws Exception {
        ConsoleQueries.DatabaseInfo info = queries(List.of()).database();
        assertThat(info.name()).isEqualTo(databaseName());
        assertThat(ConsoleServlet.newJsonb().toJson(info)).contains("\"name\":\"" + databaseName() + "\"")
                .contains("\"relayLag\":\"bytes of ");
    }

    @Test
    void outboxEventsShowWhatBecameOfThem() throws Exception {
        UUID parked = UUID.randomUUID();
        UUID waiting = UUID.randomUUID();
        UUID delivered = UUID.randomUUID();
        UUID inFlight = UUID.randomUUID();
        db.execute(sql("insert into outbox_event (id, aggregatetype, aggregateid, type, payload, \"timestamp\") "
                + "values "
                + "('" + parked + "', 'Account', 'a1', 'Big', '{\"note\":\"<script>alert(1)</script>\"}', "
                + "timestamptz '2026-12-01T12:00:01Z'), "
                + "('" + waiting + "', 'Account', 'a1', 'Small', '{}', timestamptz '2026-12-01T12:00:02Z'), "
                + "('" + delivered + "', 'Account', 'a2', 'Small', '{}', timestamptz '2026-12-01T12:00:03Z'), "
                + "('" + inFlight + "', 'Account', 'a3', 'Small', '{}', timestamptz '2026-12-01T12:00:04Z')"),
                sql("insert into postbox_relay_parked (relay, status, event_id, aggregatetype, aggregateid, type, "
                + "\"timestamp\", attempts, last_error) values ('r', 'PARKED', '" + parked
                + "', 'Account', 'a1', 'Big', now(), 5, 'RecordTooLarge'), ('r', 'WAITING', '" + waiting
                + "', 'Account', 'a1', 'Small', now(), 0, null)"),
                sql("insert into postbox_inbox (id, scope, idempotency_key, fingerprint, status, attempts, max_attempts)"
                + " values (gen_random_uuid(), 'consumer', '" + delivered + "', repeat('0', 64), 'COMPLETED', 1, 3)"));
        ConsoleQueries q = queries(List.of("consumer", "compliance"));
        ConsoleQueries.Page<ConsoleQueries.OutboxRow> page = q.outbox(new ConsoleQueries.OutboxFilter(null, null,
                new Params.Range(null, null), null, 3));
        assertThat(page.items()).extracting(ConsoleQueries.OutboxRow::status)
                .containsExactly("IN_FLIGHT", "DELIVERED", "WAITING");
        assertThat(page.items().get(1).consumer()).isEqualTo("consumer");
        ConsoleQueries.Page<ConsoleQueries.OutboxRow> next = q.outbox(new ConsoleQueries.OutboxFilter(null, null,
                new Params.Range(null, null), Cursor.decode(page.nextCursor()), 3));
        assertThat(next.items()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo("PARKED");
            assertThat(r.relayError()).isEqualTo("RecordTooLarge");
            assertThat(r.payload()).contains("<script>alert(1)</script>");
        });
        assertThat(next.nextCursor()).isNull();
        assertThat(ConsoleServlet.newJsonb().toJson(next)).contains("\"status\":\"PARKED\"")
                .contains("\"relayError\":\"RecordTooLarge\"").contains("\"nextCursor\":null");
        assertThat(q.outbox(new ConsoleQueries.OutboxFilter(ConsoleQueries.OutboxStatus.PARKED, "Account",
                new Params.Range(null, null), null, 10)).items()).extracting(ConsoleQueries.OutboxRow::id)
                .containsExactly(parked.toString());
        assertThat(queries(List.of()).outbox(new ConsoleQueries.OutboxFilter(ConsoleQueries.OutboxStatus.DELIVERED,
                null, new Params.Range(null, null), null, 10)).items()).as("no consumer scopes: nothing DELIVERED")
                .isEmpty();
        assertThat(q.outboxCounts()).containsEntry("events", 4L).containsEntry("PARKED", 1L)
                .containsEntry("WAITING", 1L);
        assertThat(q.parkedStatus(waiting)).isEqualTo("WAITING");
        assertThat(q.parkedStatus(UUID.randomUUID())).isNull();
    }
}
