package dev.postbox.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.common.internal.trace.CurrentTrace;
import dev.postbox.outbox.support.OutboxHarness;
import dev.postbox.outbox.support.Rows;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * OpenTelemetry is optional: this class runs in surefire's default run, whose class path has none of its jars (as
 * a server without MicroProfile Telemetry), and publishing works as before, with no trace context added.
 */
class OutboxWithoutTracingApiTest {

    @Test
    void withoutOpenTelemetryOnTheClassPathEventsArePublishedWithoutTraceContext() throws Exception {
        assertThatThrownBy(() -> Class.forName("io.opentelemetry.api.trace.Span"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThat(CurrentTrace.available()).isFalse();
        assertThat(CurrentTrace.current()).isEmpty();
        try (OutboxHarness harness = OutboxHarness.start(Map.of())) {
            harness.inTransaction(() -> harness.outbox().publish("Order", "o-1", "OrderPlaced", Map.of("n", 1)));
            List<Map<String, Object>> rows = Rows.query(harness.db,
                    "select headers::text as headers, tracingspancontext from outbox_event");
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0)).containsEntry("headers", "{}");
            assertThat(rows.get(0).get("tracingspancontext")).isNull();
        }
    }
}
