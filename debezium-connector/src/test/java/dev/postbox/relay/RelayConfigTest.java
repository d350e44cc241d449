package dev.postbox.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.postbox.common.PostboxConfigurationException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Invalid configuration is rejected at build time, naming the key. */
class RelayConfigTest {

    private static Map<String, String> valid() {
        Map<String, String> m = new HashMap<>();
        m.put("postbox.relay.jdbc-url", "jdbc:postgresql://localhost:5432/app");
        m.put("postbox.relay.user", "app");
        m.put("postbox.relay.password", "secret");
        m.put("postbox.relay.kafka.bootstrap-servers", "localhost:9092");
        return m;
    }

    private static PostboxConfigurationException reject(String key, String value) {
        Map<String, String> m = valid();
        if (value == null) {
            m.remove(key);
        } else {
            m.put(key, value);
        }
        return catchThrowableOfType(PostboxConfigurationException.class,
                () -> OutboxRelay.builder().configure(m).build());
    }

    @Test
    void validConfigurationBuilds() {
        OutboxRelay relay = OutboxRelay.builder().configure(valid()).build();
        assertThat(relay.status().state()).isEqualTo(RelayStatus.State.STOPPED);
        assertThat(relay.status().slotName()).isEqualTo("postbox_relay");
    }

    @Test
    void eachInvalidValueNamesItsKey() {
        assertThat(reject("postbox.relay.jdbc-url", null).key()).isEqualTo("postbox.relay.jdbc-url");
        assertThat(reject("postbox.relay.jdbc-url", "jdbc:mysql://x/y").key()).isEqualTo("postbox.relay.jdbc-url");
        assertThat(reject("postbox.relay.user", null).key()).isEqualTo("postbox.relay.user");
        assertThat(reject("postbox.relay.outbox-table", "outbox; drop table x").key()).isEqualTo("postbox.relay.outbox-table");
        assertThat(reject("postbox.relay.slot-name", "Bad-Slot").key()).isEqualTo("postbox.relay.slot-name");
        assertThat(reject("postbox.relay.max-attempts", "0").key()).isEqualTo("postbox.relay.max-attempts");
        assertThat(reject("postbox.relay.poll-interval", "soon").key()).isEqualTo("postbox.relay.poll-interval");
        assertThat(reject("postbox.relay.backoff.max-delay", "10ms").key()).isEqualTo("postbox.relay.backoff.max-delay");
        assertThat(reject("postbox.relay.sink", "carrier-pigeon").key()).isEqualTo("postbox.relay.sink");
        assertThat(reject("postbox.relay.kafka.bootstrap-servers", null).key())
                .isEqualTo("postbox.relay.kafka.bootstrap-servers");
        assertThat(reject("postbox.relay.topic-pattern", "events").key()).isEqualTo("postbox.relay.topic-pattern");
        assertThat(reject("postbox.relay.snapshot-mode", "never").key()).isEqualTo("postbox.relay.snapshot-mode");
        PostboxConfigurationException typo = reject("postbox.relay.max-atempts", "3");
        assertThat(typo.key()).isEqualTo("postbox.relay.max-atempts");
        assertThat(typo.getMessage()).contains("unknown").doesNotContain("3'");
    }

    @Test
    void webhookNeedsUrlAndSecretAndNeverEchoesTheSecret() {
        Map<String, String> m = valid();
        m.put("postbox.relay.sink", "webhook");
        m.put("postbox.relay.webhook.url", "https://example.test/hook");
        PostboxConfigurationException e = catchThrowableOfType(PostboxConfigurationException.class,
                () -> OutboxRelay.builder().configure(m).build());
        assertThat(e.key()).isEqualTo("postbox.relay.webhook.secret");
        m.put("postbox.relay.webhook.secret", "not base64 !!");
        e = catchThrowableOfType(PostboxConfigurationException.class, () -> OutboxRelay.builder().configure(m).build());
        assertThat(e.key()).isEqualTo("postbox.relay.webhook.secret");
        assertThat(e.getMessage()).doesNotContain("not base64 !!");
    }

    @Test
    void cdiSinkNeedsCdi() {
        Map<String, String> m = valid();
        m.put("postbox.relay.sink", "cdi");
        PostboxConfigurationException e = catchThrowableOfType(PostboxConfigurationException.class,
                () -> OutboxRelay.builder().configure(m).build());
        assertThat(e.key()).isEqualTo("postbox.relay.sink");
    }
}
