package dev.postbox.console.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.inbox.InboxStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ParamsTest {

    private static final Set<String> INBOX = Set.of("scope", "status", "from", "to", "limit", "cursor");

    private static Params params(Map<String, String> values) {
        Map<String, String[]> map = new java.util.HashMap<>();
        values.forEach((k, v) -> map.put(k, new String[] {v}));
        return new Params(map, INBOX);
    }

    @Test
    void validFiltersAreParsed() {
        Params p = params(Map.of("status", "dead, Failed", "limit", "500", "from", "2026-12-02T04:00:00Z"));
        assertThat(p.statuses("status", InboxStatus.class)).containsExactly(InboxStatus.DEAD, InboxStatus.FAILED);
        assertThat(p.limit()).isEqualTo(500);
        assertThat(p.range().from()).isEqualTo(Instant.parse("2026-12-02T04:00:00Z"));
        assertThat(params(Map.of()).limit()).isEqualTo(Params.DEFAULT_LIMIT);
        Cursor c = new Cursor(Instant.parse("2026-12-02T04:00:00.123456Z"), UUID.randomUUID());
        assertThat(params(Map.of("cursor", c.encode())).cursor()).contains(c);
    }

    @Test
    void badInputIsA400NamingTheParameterAndWhatIsAllowed() {
        assertBad(() -> params(Map.of("status", "GONE")).statuses("status", InboxStatus.class),
                "unknown status 'GONE'", "DEAD");
        assertBad(() -> params(Map.of("limit", "100000")).limit(), "limit=100000", "1 to 500");
        assertBad(() -> params(Map.of("limit", "0")).limit(), "limit=0");
        assertBad(() -> params(Map.of("limit", "ten")).limit(), "limit=ten");
        assertBad(() -> params(Map.of("cursor", "not-a-cursor")).cursor(), "malformed cursor");
        assertBad(() -> params(Map.of("cursor", "%%%")).cursor(), "malformed cursor");
        assertBad(() -> params(Map.of("from", "yesterday")).range(), "from=yesterday", "ISO-8601");
        assertBad(() -> params(Map.of("from", "2026-12-02T05:00:00Z", "to", "2026-12-02T04:00:00Z")).range(),
                "must be before");
        assertBad(() -> params(Map.of("scpoe", "ledger")), "unknown parameter 'scpoe'", "scope");
        assertBad(() -> Params.uuid("inbox record id", "42"), "'42' is not a UUID");
        assertBad(() -> expected("-1").count("expected"), "expected=-1", "at least 0");
        assertBad(() -> expected("many").count("expected"), "expected=many");
        assertBad(() -> expected(null).count("expected"), "'expected' is required");
    }

    @Test
    void anEmptyPostBodyReportedAsAnEmptyParameterIsNothingGivenButANamelessValueIsUnknown() {
        // Open Liberty: a POST without a body shows up as the parameter "" = ""
        assertThat(params(Map.of("", "")).text("scope")).isEmpty();
        assertBad(() -> params(Map.of("", "ledger")), "unknown parameter ''");
    }

    @Test
    void instantsOutsideWhatTheDatabaseStoresAre400NotAFailedQuery() {
        // these parse as java.time.Instant, then PostgreSQL's timestamptz (and the driver) cannot take them
        assertBad(() -> params(Map.of("from", "+100000-01-01T00:00:00Z")).range(), "out of range", "9999");
        assertBad(() -> params(Map.of("to", "-5000-01-01T00:00:00Z")).range(), "out of range");
        Cursor far = new Cursor(Instant.parse("+100000-01-01T00:00:00Z"), UUID.randomUUID());
        assertBad(() -> params(Map.of("cursor", far.encode())).cursor(), "malformed cursor");
        assertThat(params(Map.of("from", "9999-12-31T00:00:00Z")).range().from()).isNotNull();
    }

    /** The parameters of a bulk replay's confirmation. */
    private static Params expected(String value) {
        return new Params(value == null ? Map.of() : Map.of("expected", new String[] {value}), Set.of("expected"));
    }

    private static void assertBad(Runnable call, String... parts) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ConsoleException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            for (String part : parts) {
                assertThat(e.getMessage()).contains(part);
            }
        });
    }
}
