package dev.postbox.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.postbox.common.Backoff;
import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.relay.RelaySink;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The typed builder's values and the configuration keys meet in one grouped, validated {@link RelayConfig}. */
class RelayDraftTest {

    private static Map<String, String> keys() {
        Map<String, String> m = new HashMap<>();
        m.put("postbox.relay.jdbc-url", "jdbc:postgresql://db:6543/app");
        m.put("postbox.relay.user", "relay");
        m.put("postbox.relay.password", "secret");
        m.put("postbox.relay.kafka.bootstrap-servers", "kafka:9092");
        return m;
    }

    private static RelayConfig build(Map<String, String> keys) {
        RelayDraft draft = new RelayDraft();
        draft.keys(keys);
        return draft.build();
    }

    @Test
    void keysBecomeGroups() {
        Map<String, String> m = keys();
        m.put("postbox.relay.kafka.producer.compression.type", "lz4");
        m.put("postbox.relay.backoff.initial-delay", "PT0.2S");
        m.put("postbox.relay.backoff.max-delay", "1m");
        RelayConfig c = build(m);
        assertThat(c.connection()).isEqualTo(new RelayConfig.Connection("jdbc:postgresql://db:6543/app", "db", 6543,
                "app", "relay", "secret"));
        assertThat(c.sink()).isEqualTo(new RelayConfig.Kafka("kafka:9092", Map.of("compression.type", "lz4"),
                "outbox.event.${aggregatetype}"));
        assertThat(c.retries()).isEqualTo(new RelayConfig.Retries(5,
                new Backoff(Duration.ofMillis(200), Duration.ofMinutes(1), 2.0, 0.2)));
        assertThat(c.intervals()).isEqualTo(new RelayConfig.Intervals(Duration.ofMillis(10), Duration.ofSeconds(1),
                Duration.ofSeconds(10), Duration.ofSeconds(5)));
        assertThat(c.names().qualifiedOutboxTable()).isEqualTo("public.outbox_event");
        assertThat(c.toString()).doesNotContain("secret");
    }

    @Test
    void typedValuesWinOverKeysWhateverTheOrder() {
        RelayDraft draft = new RelayDraft();
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1), 3.0, 0.0);
        draft.maxAttempts(3);
        draft.backoff(backoff);
        draft.pollInterval(Duration.ofMillis(250));
        draft.webhook(URI.create("https://example.test/hook"), dev.postbox.common.StandardWebhooks.newSecret());
        Map<String, String> m = keys();
        m.put("postbox.relay.max-attempts", "7");
        m.put("postbox.relay.poll-interval", "1s");
        draft.keys(m);
        RelayConfig c = draft.build();
        assertThat(c.retries()).isEqualTo(new RelayConfig.Retries(3, backoff));
        assertThat(c.intervals().poll()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.sink()).isInstanceOf(RelayConfig.Webhook.class);
        assertThat(c.sink().toString()).doesNotContain("whsec_");
    }

    @Test
    void theSinkIsOneOfKafkaWebhookCdiOrCustom() {
        Map<String, String> m = keys();
        m.put("postbox.relay.sink", "CDI");
        assertThat(build(m).sink()).isEqualTo(new RelayConfig.Cdi(null));
        RelaySink own = event -> CompletableFuture.completedFuture(null);
        RelayDraft draft = new RelayDraft();
        draft.keys(m);
        draft.sink(own);
        assertThat(draft.build().sink()).isEqualTo(new RelayConfig.Custom(own));
        m.put("postbox.relay.sink", "custom");
        assertThat(catchThrowableOfType(PostboxConfigurationException.class, () -> build(m)).getMessage())
                .contains("postbox.relay.sink='custom'").contains("kafka, webhook, cdi");
    }

    @Test
    void theOutboxTableIsTheOutboxsUnlessTheRelayOverridesIt() {
        Map<String, String> m = keys();
        m.put("postbox.outbox.table", "app.events");
        assertThat(build(m).names().qualifiedOutboxTable()).isEqualTo("app.events");
        m.put("postbox.relay.outbox-table", "relay_view");
        assertThat(build(m).names().qualifiedOutboxTable()).isEqualTo("public.relay_view");
        m.remove("postbox.relay.outbox-table");
        m.put("postbox.outbox.table", "Events");
        assertThat(catchThrowableOfType(PostboxConfigurationException.class, () -> build(m)).key())
                .isEqualTo("postbox.outbox.table");
    }

    @Test
    void oneDurationGrammarAndOneErrorShape() {
        Map<String, String> m = keys();
        m.put("postbox.relay.poll-interval", "500");
        PostboxConfigurationException e = catchThrowableOfType(PostboxConfigurationException.class, () -> build(m));
        assertThat(e.getMessage()).startsWith("Invalid Postbox configuration postbox.relay.poll-interval='500': ")
                .contains("unit").endsWith("(from OutboxRelay.builder().configure(...))");
    }

    @Test
    void typedValuesAreCheckedNamingTheirKey() {
        RelayDraft draft = new RelayDraft();
        draft.keys(keys());
        draft.maxAttempts(0);
        assertThat(catchThrowableOfType(PostboxConfigurationException.class, draft::build).key())
                .isEqualTo("postbox.relay.max-attempts");
        draft.maxAttempts(3);
        draft.slotName("Bad-Slot");
        assertThat(catchThrowableOfType(PostboxConfigurationException.class, draft::build).key())
                .isEqualTo("postbox.relay.slot-name");
        draft.slotName("good");
        draft.pollInterval(Duration.ZERO);
        assertThat(catchThrowableOfType(PostboxConfigurationException.class, draft::build).key())
                .isEqualTo("postbox.relay.poll-interval");
        draft.pollInterval(Duration.ofMillis(10));
        draft.jdbc("jdbc:mysql://db/app", "relay", null);
        assertThat(catchThrowableOfType(PostboxConfigurationException.class, draft::build).key())
                .isEqualTo("postbox.relay.jdbc-url");
    }
}
