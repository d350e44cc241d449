package dev.postbox.inbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.common.internal.config.ConfigKey;
import dev.postbox.common.internal.config.ConfigSource;
import dev.postbox.common.internal.config.ReadmeTable;
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
    void scopeLimitsAreOffByDefaultAndAScopeOverridesTheGlobalKeys() {
        assertThat(InboxConfig.defaults().scopeLimits("any").any()).isFalse();
        InboxConfig config = config(Map.of("postbox.inbox.breaker.failure-threshold", "5",
                "postbox.inbox.breaker.cool-down", "10s", "postbox.inbox.\"Ledger#post\".breaker.cool-down", "PT1M",
                "postbox.inbox.\"Ledger#post\".rate.max-per-second", "20"));
        var ledger = config.scopeLimits("Ledger#post");
        assertThat(ledger.failureThreshold()).isEqualTo(5);
        assertThat(ledger.coolDown()).isEqualTo(Duration.ofMinutes(1));
        assertThat(ledger.maxPerSecond()).isEqualTo(20);
        assertThat(ledger.maxConcurrent()).isZero();
        assertThat(config.scopeLimits("Other#on").coolDown()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.scopeLimits("Other#on").rateLimited()).isFalse();
        assertThatThrownBy(() -> config(Map.of("postbox.inbox.\"x\".rate.max-per-second", "-1")).scopeLimits("x"))
                .isInstanceOf(PostboxConfigurationException.class)
                .hasMessageContaining("postbox.inbox.\"x\".rate.max-per-second");
        // with a source that lists its names (MicroProfile Config), at start-up already
        assertThatThrownBy(() -> InboxConfig.from(ConfigSource.of("test", Map.of(
                "postbox.inbox.\"Ledger#post\".breaker.failure-threshold", "many"))))
                .isInstanceOf(PostboxConfigurationException.class)
                .hasMessageContaining("postbox.inbox.\"Ledger#post\".breaker.failure-threshold");
        assertThatThrownBy(() -> config(Map.of("postbox.inbox.breaker.cool-down", "0s")))
                .isInstanceOf(PostboxConfigurationException.class).hasMessageContaining("breaker.cool-down");
    }

    @Test
    void theReadmeDocumentsEveryKey() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (ConfigKey<?> key : InboxConfig.KEYS.keys()) {
            assertThat(readme).as("README.md documents " + key.name()).contains("`" + key.name() + "`");
        }
        // and its table shows each key with its default, and no key that does not exist
        assertThat(ReadmeTable.differences(InboxConfig.KEYS, readme, true)).isEmpty();
        assertThat(ReadmeTable.differences(InboxConfig.KEYS, Files.readString(Path.of("../README.md")), false))
                .isEmpty();
    }

    @Test
    void errorsShowKeyValueWhatIsAllowedAndWhereAndNeverASecret() {
        InboxConfig fromMp = InboxConfig.from(ConfigSource.of("MicroProfile Config",
                Map.of("postbox.inbox.webhooks.psp.secrets", "whsec_abc, whsec_def")));
        assertThat(fromMp.webhookSecrets("psp")).containsExactly("whsec_abc", "whsec_def");
        assertThat(fromMp.webhookSecrets("other")).isEmpty();
        assertThat(fromMp.webhookTolerance("psp")).isEqualTo(Duration.ofMinutes(5));

        PostboxConfigurationException e = catchThrowableOfType(PostboxConfigurationException.class,
                () -> InboxConfig.from(ConfigSource.of("MicroProfile Config", Map.of("postbox.inbox.batch-size",
                        "many"))));
        assertThat(e.getMessage()).isEqualTo("Invalid Postbox configuration postbox.inbox.batch-size='many': must be "
                + "an integer of at least 1 (from MicroProfile Config)");
        PostboxConfigurationException secret = catchThrowableOfType(PostboxConfigurationException.class,
                () -> InboxConfig.from(ConfigSource.of("MicroProfile Config",
                        Map.of("postbox.inbox.webhooks.psp.secrets", ",,"))).webhookSecrets("psp"));
        assertThat(secret.getMessage()).contains("postbox.inbox.webhooks.psp.secrets='****'");
    }

    @Test
    void aReceiversSchemeIsStandardWebhooksUnlessSetAndAnUnknownSchemeFailsStartUpNamingTheKey() {
        InboxConfig config = InboxConfig.from(ConfigSource.of("MicroProfile Config", Map.of(
                "postbox.inbox.webhooks.gh.scheme", "GitHub", "postbox.inbox.webhooks.slack.tolerance", "2m")));
        assertThat(config.webhookScheme("psp").name()).isEqualTo("standard-webhooks");
        assertThat(config.webhookScheme("gh").name()).isEqualTo("github");
        assertThat(config.webhookTolerance("slack")).isEqualTo(Duration.ofMinutes(2));

        PostboxConfigurationException e = catchThrowableOfType(PostboxConfigurationException.class,
                () -> InboxConfig.from(ConfigSource.of("MicroProfile Config",
                        Map.of("postbox.inbox.webhooks.pay.pal.scheme", "paypal"))));
        assertThat(e.getMessage()).isEqualTo("Invalid Postbox configuration postbox.inbox.webhooks.pay.pal.scheme="
                + "'paypal': must be one of standard-webhooks, stripe, github, shopify, slack (from MicroProfile "
                + "Config)");
        assertThatThrownBy(() -> InboxConfig.from(ConfigSource.of("MicroProfile Config",
                Map.of("postbox.inbox.webhooks.gh.tolerance", "300")))).hasMessageContaining(
                        "postbox.inbox.webhooks.gh.tolerance='300': must be a positive duration");
    }

    @Test
    void durationsUseTheOneGrammarAndBooleansOnlyTrueOrFalse() {
        InboxConfig config = config(Map.of("postbox.inbox.poll-interval", "200ms", "postbox.inbox.lease", "10m",
                "postbox.inbox.retention", "30d", "postbox.inbox.scheduler.enabled", "FALSE"));
        assertThat(config.pollInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.lease()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.schedulerEnabled()).isFalse();
        assertThat(config.policy("s", InboxConfig.PolicySpec.UNSET, null, null).retention())
                .isEqualTo(Duration.ofDays(30));
        assertThatThrownBy(() -> config(Map.of("postbox.inbox.scheduler.enabled", "no")))
                .hasMessageContaining("postbox.inbox.scheduler.enabled='no': must be true or false");
        assertThatThrownBy(() -> config(Map.of("postbox.inbox.poll-interval", "500")))
                .hasMessageContaining("postbox.inbox.poll-interval='500': must be a positive duration");
    }

    static class Durable {
        @dev.postbox.inbox.Idempotent(retention = "7d", initialDelay = "500ms", maxDelay = "PT2M")
        public String handle(String event) {
            return event;
        }
    }

    @Test
    void idempotentAttributesUseTheSameDurationGrammar() throws Exception {
        java.lang.reflect.Method m = Durable.class.getMethod("handle", String.class);
        InboxConfig.PolicySpec spec = dev.postbox.inbox.internal.method.MethodPlan.analyze(Durable.class, m,
                m.getAnnotation(dev.postbox.inbox.Idempotent.class)).spec();
        assertThat(spec.retention()).isEqualTo(Duration.ofDays(7));
        assertThat(spec.initialDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(spec.maxDelay()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void unknownInboxKeysFailNamingTheNearestKeyScopedKeysIncluded() {
        Map<String, String> values = Map.of("postbox.inbox.\"Payments#on\".max-atempts", "3",
                "postbox.relay.anything", "x", "postbox.outbox.table", "t");
        PostboxConfigurationException e = catchThrowableOfType(PostboxConfigurationException.class,
                () -> InboxConfig.from(ConfigSource.of("MicroProfile Config", values)));
        assertThat(e.key()).isEqualTo("postbox.inbox.\"Payments#on\".max-atempts");
        assertThat(e.getMessage()).contains("did you mean postbox.inbox.\"Payments#on\".max-attempts?")
                .doesNotContain("'3'");
        InboxConfig known = InboxConfig.from(ConfigSource.of("MicroProfile Config", Map.of(
                "postbox.inbox.\"Payments#on\".max-attempts", "3", "postbox.inbox.webhooks.psp.tolerance", "1m",
                "postbox.relay.anything", "x")));
        assertThat(known.policy("Payments#on", InboxConfig.PolicySpec.UNSET, null, null).maxAttempts()).isEqualTo(3);
        assertThat(known.webhookTolerance("psp")).isEqualTo(Duration.ofMinutes(1));
    }
}
