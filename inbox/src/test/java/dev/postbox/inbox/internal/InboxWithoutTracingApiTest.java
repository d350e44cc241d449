package dev.postbox.inbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.inbox.ProcessingDeferredException;
import dev.postbox.inbox.internal.trace.InboxTracing;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * OpenTelemetry is optional: surefire's default run has none of its jars (a server without MicroProfile
 * Telemetry); deliveries, retries and replays work as before, and no trace context is stored.
 */
class InboxWithoutTracingApiTest {

    @Test
    void withoutOpenTelemetryNothingIsTracedAndNothingFails() throws Exception {
        assertThatThrownBy(() -> Class.forName("io.opentelemetry.api.trace.Span"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThat(InboxTracing.of(null)).isSameAs(InboxTracing.NONE);
        InboxDatabase database = InboxDatabase.create("inbox_no_tracing");
        try (InboxRuntime runtime = database.runtime(Map.of("postbox.inbox.\"flaky\".initial-delay", "PT0.001S"))) {
            AtomicInteger calls = new AtomicInteger();
            runtime.inbox().register("flaky", payload -> {
                if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("once");
                }
                return "ok";
            });
            assertThatThrownBy(() -> runtime.inbox().process("flaky", "k", "{}", String.class))
                    .isInstanceOf(ProcessingDeferredException.class);
            database.makeDue("flaky");
            assertThat(runtime.scheduler().runDue()).isEqualTo(1);
            UUID id = runtime.history().find("flaky", "k").orElseThrow().id();
            assertThat(database.db.queryLong("SELECT count(*) FROM postbox_inbox WHERE id = '" + id
                    + "' AND status = 'COMPLETED' AND traceparent IS NULL")).isEqualTo(1);
        }
    }
}
