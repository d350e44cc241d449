package dev.postbox.inbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.common.PostboxConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InboxConfigTest {

    private static InboxConfig config(Map<String, String> values) {
        return InboxConfig.from(k -> Optional.ofNullable(values.get(k)));
    }

    @Test
    void perScopeConfigBeatsTheAnnotationWhichBeatsGlobalConfig() {
        InboxConfig config = config(Map.of("postbox.inbox.max-attempts", "7", "postbox.inbox.retention", "P30D",
                "postbox.inbox.\"Payments#on\".max-attempts", "9"));
        InboxConfig.PolicySpec annotation = new InboxConfig.PolicySpec(3, Duration.ofSeconds(2), null, null, null,
                null, "@Idempotent");

        Policy overridden = config.policy("Payments#on", annotation, null, null);
        assertThat(overridden.maxAttempts()).isEqualTo(9);
        assertThat(overridden.backoff().initialDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(overridden.retention()).isEqualTo(Duration.ofDays(30));

        Policy annotated = config.policy("Other#on", annotation, null, null);
        assertThat(annotated.maxAttempts()).isEqualTo(3);
        Policy plain = config.policy("Plain#on", InboxConfig.PolicySpec.UNSET, null, null);
        assertThat(plain.maxAttempts()).isEqualTo(7);
        assertThat(plain.backoff().maxDelay()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void invalidValuesNameTheKey() {
        assertThatThrownBy(() -> config(Map.of("postbox.inbox.table", "inbox; drop table x")))
                .isInstanceOf(PostboxConfigurationException.class).hasMessageContaining("postbox.inbox.table");
        assertThatThrownBy(() -> config(Map.of("postbox.inbox.lease", "5 minutes")))
                .isInstanceOf(PostboxConfigurationException.class).hasMessageContaining("postbox.inbox.lease");
        assertThatThrownBy(() -> config(Map.of("postbox.inbox.batch-size", "0")))
                .isInstanceOf(PostboxConfigurationException.class).hasMessageContaining("postbox.inbox.batch-size");
        assertThatThrownBy(() -> config(Map.of("postbox.inbox.jitter", "2")))
                .isInstanceOf(PostboxConfigurationException.class).hasMessageContaining("jitter");
        assertThatThrownBy(() -> config(Map.of("postbox.inbox.\"x\".max-delay", "PT0.001S"))
                .policy("x", InboxConfig.PolicySpec.UNSET, null, null))
                .isInstanceOf(PostboxConfigurationException.class).hasMessageContaining("scope 'x'");
        assertThat(config(Map.of("postbox.inbox.table", "billing.inbox")).table()).isEqualTo("billing.inbox");
    }

    @Test
    void retryableFailuresFollowRetryOnAndAbortOn() {
        Policy policy = new Policy(3, dev.postbox.common.Backoff.DEFAULT, Duration.ofDays(1),
                new Class<?>[] {java.io.IOException.class}, new Class<?>[] {java.io.FileNotFoundException.class});
        assertThat(policy.isRetryable(new java.io.IOException("x"))).isTrue();
        assertThat(policy.isRetryable(new java.io.FileNotFoundException("x"))).isFalse();
        assertThat(policy.isRetryable(new IllegalStateException("x"))).isFalse();
    }

    @Test
    void theReadmeDocumentsEveryKey() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (InboxConfig.Key key : InboxConfig.keys()) {
            assertThat(readme).as("README.md documents " + key.name()).contains("`" + key.name() + "`");
        }
    }
}
