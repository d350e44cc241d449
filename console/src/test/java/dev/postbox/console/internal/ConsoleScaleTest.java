package dev.postbox.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.inbox.InboxStatus;
import dev.postbox.testkit.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The console's queries on 1,000,000 inbox records (10 scopes, 30 days; 90 % COMPLETED, 5 % FAILED, 4 % RECEIVED,
 * 1 % DEAD): every page and the bulk-replay count read an index, never the whole table, and the time of each is
 * printed (median of 7 runs after 2 warm-ups). A scale run, not part of the default build ({@code @Tag("scale")}):
 *
 * <pre>mvn -B -pl console -am verify -Pscale -Dtest=ConsoleScaleTest -Dsurefire.failIfNoSpecifiedTests=false</pre>
 *
 * The counts per scope and status (the summary's table) do read every record: printed, and said in the README.
 */
@Tag("scale")
class ConsoleScaleTest {

    private static final int RECORDS = Integer.getInteger("postbox.scale.records", 1_000_000);
    private static PostgresServer.Database db;
    private static Instant newest;

    @BeforeAll
    static void million() throws Exception {
        db = PostgresServer.shared().createDatabase("consolescale");
        db.execute(ddl("V1_2__postbox_inbox.sql"), ddl("V1_7__postbox_inbox_created_idx.sql"));
        long started = System.nanoTime();
        db.execute("insert into postbox_inbox (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, last_error, history, created_at) select gen_random_uuid(), 'scope-' || (g % 10), "
                + "'key-' || g, repeat('0', 64), case when g % 100 = 0 then 'DEAD' when g % 100 < 6 then 'FAILED' "
                + "when g % 100 < 10 then 'RECEIVED' else 'COMPLETED' end, 1, 3, "
                + "case when g % 100 < 6 then 'java.io.IOException: ledger unavailable' end, "
                + "'[{\"attempt\":1,\"startedAt\":\"2026-12-01T10:00:00Z\",\"outcome\":\"COMPLETED\"}]'::jsonb, "
                + "timestamptz '2026-12-01T00:00:00Z' - (g * interval '2592 milliseconds') "
                + "from generate_series(1, " + RECORDS + ") g", "analyze postbox_inbox");
        System.out.printf(Locale.ROOT, "inserted %,d inbox records in %.1f s%n", RECORDS,
                (System.nanoTime() - started) / 1e9);
        newest = Instant.parse("2026-12-01T00:00:00Z");
    }

    @Test
    void pagesAndTheReplayCountReadAnIndexOnAMillionRecords() throws Exception {
        ConsoleQueries q = new ConsoleQueries(db.dataSource(), "postbox_inbox", "outbox_event", null, List.of());
        Params.Range all = new Params.Range(null, null);
        Params.Range day = new Params.Range(newest.minus(Duration.ofDays(11)), newest.minus(Duration.ofDays(10)));
        // a cursor 500,000 records deep: the keyset page costs the same as the first
        Cursor deep = new Cursor(newest.minus(Duration.ofMillis(2592L * RECORDS / 2)),
                java.util.UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff"));

        List<String> lines = new ArrayList<>();
        lines.add(measure("first page, no filter", () -> q.inbox(filter(null, Set.of(), all, null)).items().size()));
        lines.add(measure("page 500,000 records deep, no filter",
                () -> q.inbox(filter(null, Set.of(), all, deep)).items().size()));
        lines.add(measure("first page, one scope", () -> q.inbox(filter("scope-3", Set.of(), all, null)).items().size()));
        lines.add(measure("first page, DEAD only (1 %)",
                () -> q.inbox(filter(null, Set.of(InboxStatus.DEAD), all, null)).items().size()));
        lines.add(measure("first page, one scope + FAILED + one day",
                () -> q.inbox(filter("scope-3", Set.of(InboxStatus.FAILED), day, null)).items().size()));
        lines.add(measure("bulk replay count, one scope + one day",
                () -> (int) q.deadCount("scope-0", day)));
        lines.add(measure("counts per scope and status (whole table)", () -> q.inboxCounts().size()));
        q.summaryCounts(Duration.ofHours(1)); // COMPLETED counted once, as the first refresh does
        lines.add(measure("summary on a refresh (open statuses counted, COMPLETED from the last minute)",
                () -> q.summaryCounts(Duration.ofHours(1)).counts().size()));
        System.out.printf(Locale.ROOT, "console queries on %,d inbox records (median of 7):%n", RECORDS);
        lines.forEach(System.out::println);

        // what makes the pages fast: no page and no replay count reads the table from end to end
        assertThat(plan("select id from postbox_inbox where true order by created_at desc, id desc limit 101"))
                .doesNotContain("Seq Scan");
        assertThat(plan("select id from postbox_inbox where scope = 'scope-3' order by created_at desc, id desc "
                + "limit 101")).doesNotContain("Seq Scan");
        assertThat(plan("select id from postbox_inbox where status = any('{DEAD}') order by created_at desc, "
                + "id desc limit 101")).doesNotContain("Seq Scan");
        assertThat(plan("select count(*) from postbox_inbox where scope = 'scope-0' and status = any('{DEAD}') "
                + "and created_at >= now() - interval '1 day'")).doesNotContain("Seq Scan");
        assertThat(q.inbox(filter(null, Set.of(), all, null)).items()).hasSize(100);
        assertThat(q.inbox(filter(null, Set.of(), all, deep)).items()).hasSize(100)
                .allSatisfy(r -> assertThat(r.createdAt()).isBefore(deep.at().plusMillis(1)));
    }

    private static ConsoleQueries.InboxFilter filter(String scope, Set<InboxStatus> statuses, Params.Range range,
            Cursor after) {
        return new ConsoleQueries.InboxFilter(scope, statuses, range, after, 100);
    }

    private static String measure(String what, Callable<Integer> query) throws Exception {
        for (int i = 0; i < 2; i++) {
            query.call();
        }
        long[] nanos = new long[7];
        int rows = 0;
        for (int i = 0; i < nanos.length; i++) {
            long t = System.nanoTime();
            rows = query.call();
            nanos[i] = System.nanoTime() - t;
        }
        Arrays.sort(nanos);
        return String.format(Locale.ROOT, "  %-45s %8.1f ms  (%d rows)", what, nanos[nanos.length / 2] / 1e6, rows);
    }

    private static String plan(String sql) throws Exception {
        StringBuilder plan = new StringBuilder();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("explain " + sql)) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    private static String ddl(String name) {
        try (InputStream in = ConsoleScaleTest.class.getResourceAsStream("/db/postbox/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
