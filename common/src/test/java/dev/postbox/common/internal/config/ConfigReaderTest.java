package dev.postbox.common.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.postbox.common.PostboxConfigurationException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {

    static final ConfigKey<Integer> ATTEMPTS = ConfigKey.integer("postbox.test.max-attempts", 1, 1000)
            .defaultValue("5").description("Attempts.");
    static final ConfigKey<Boolean> ENABLED = ConfigKey.bool("postbox.test.enabled").defaultValue("true");
    static final ConfigKey<Duration> POLL = ConfigKey.duration("postbox.test.poll-interval").defaultValue("PT1S");
    static final ConfigKey<Duration> HEARTBEAT = ConfigKey.durationOrZero("postbox.test.heartbeat").defaultValue("0");
    static final ConfigKey<String> TABLE = ConfigKey.qualifiedTable("postbox.test.table").defaultValue("t");
    static final ConfigKey<String> SINK = ConfigKey.choice("postbox.test.sink", "kafka", "webhook");
    static final ConfigKey<String> PASSWORD = ConfigKey.string("postbox.test.password").secret();
    static final ConfigKey<Double> JITTER = ConfigKey.decimal("postbox.test.jitter", 0, 1).defaultValue("0.2");
    static final ConfigKey<Long> LAG = ConfigKey.longInteger("postbox.test.lag", 0, Long.MAX_VALUE).defaultValue("0");
    static final ConfigKey<String> PATTERN = ConfigKey.string("postbox.test.pattern").defaultValue("x.${type}")
            .check(p -> p.contains("${type}"), "must contain ${type}");
    static final ConfigKey<List<String>> SECRETS = ConfigKey.list("postbox.test.hooks.<name>.secrets").secret();
    static final ConfigKey<Map<String, String>> KAFKA = ConfigKey.passThrough("postbox.test.kafka.*");
    static final ConfigKey<Integer> SCOPED_ATTEMPTS = ATTEMPTS.renamed("postbox.test.\"<scope>\".max-attempts");

    static final KeySet KEYS = KeySet.of("test", "postbox.test.", List.of(ATTEMPTS, ENABLED, POLL, HEARTBEAT, TABLE,
            SINK, PASSWORD, JITTER, LAG, PATTERN, SECRETS, KAFKA)).alsoAccepting(List.of(SCOPED_ATTEMPTS));

    private static ConfigReader reader(String... pairs) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return ConfigReader.of(KEYS, ConfigSource.of("MicroProfile Config", m));
    }

    private static PostboxConfigurationException error(ConfigKey<?> key, String value) {
        return catchThrowableOfType(PostboxConfigurationException.class, () -> reader(key.name(), value).get(key));
    }

    @Test
    void setValuesAreTypedAndUnsetOrBlankOnesTakeTheDefault() {
        ConfigReader r = reader("postbox.test.max-attempts", " 7 ", "postbox.test.enabled", "FALSE",
                "postbox.test.poll-interval", "500ms", "postbox.test.sink", "Webhook", "postbox.test.table", "   ");
        assertThat(r.get(ATTEMPTS)).isEqualTo(7);
        assertThat(r.get(ENABLED)).isFalse();
        assertThat(r.get(POLL)).isEqualTo(Duration.ofMillis(500));
        assertThat(r.get(SINK)).isEqualTo("webhook");
        assertThat(r.get(TABLE)).isEqualTo("t");
        assertThat(r.get(HEARTBEAT)).isZero();
        assertThat(r.get(JITTER)).isEqualTo(0.2);
        assertThat(r.find(PASSWORD)).isEmpty();
        assertThat(r.ifSet(ATTEMPTS)).contains(7);
        assertThat(r.ifSet(JITTER)).isEmpty();
    }

    @Test
    void everyErrorHasOneShapeKeyValueWhatIsAllowedAndWhere() {
        PostboxConfigurationException e = error(ATTEMPTS, "abc");
        assertThat(e.key()).isEqualTo("postbox.test.max-attempts");
        assertThat(e.getMessage()).isEqualTo("Invalid Postbox configuration postbox.test.max-attempts='abc': "
                + "must be an integer from 1 to 1000 (from MicroProfile Config)");
        assertThat(error(ATTEMPTS, "0").getMessage()).contains("='0': must be an integer from 1 to 1000");
        assertThat(error(ENABLED, "yes").getMessage()).contains("postbox.test.enabled='yes': must be true or false");
        assertThat(error(POLL, "0").getMessage()).contains("must be a positive duration: " + Durations.GRAMMAR);
        assertThat(error(POLL, "10 seconds").getMessage()).contains("postbox.test.poll-interval='10 seconds'");
        assertThat(error(HEARTBEAT, "-PT1S").getMessage()).contains("must be a duration of 0 or more");
        assertThat(error(SINK, "pigeon").getMessage()).contains("must be one of kafka, webhook");
        assertThat(error(JITTER, "2").getMessage()).contains("must be a number from 0 to 1");
        assertThat(catchThrowableOfType(PostboxConfigurationException.class, () -> reader("postbox.test.f", "NaN")
                .get(ConfigKey.decimal("postbox.test.f", 1, Double.MAX_VALUE))).getMessage())
                .contains("must be a number of at least 1");
        assertThat(error(LAG, "-1").getMessage()).contains("must be an integer of at least 0");
        assertThat(error(PATTERN, "events").getMessage()).contains("='events': must contain ${type}");
        assertThat(error(TABLE, "Outbox; drop").getMessage())
                .startsWith("Invalid Postbox configuration postbox.test.table='Outbox; drop': ")
                .contains("^[a-z_][a-z0-9_]{0,62}$").endsWith("(from MicroProfile Config)");
        assertThat(error(TABLE, "pg_catalog.pg_authid").getMessage()).contains("system catalogs");
    }

    @Test
    void booleansAcceptOnlyTrueOrFalse() {
        for (String bad : List.of("yes", "1", "no", "on", "ture", "false!")) {
            assertThat(error(ENABLED, bad).key()).isEqualTo(ENABLED.name());
        }
        assertThat(reader("postbox.test.enabled", "True").get(ENABLED)).isTrue();
    }

    @Test
    void secretsAreNeverEchoed() {
        ConfigKey<List<String>> psp = SECRETS.resolve("psp");
        PostboxConfigurationException e = catchThrowableOfType(PostboxConfigurationException.class,
                () -> reader("postbox.test.hooks.psp.secrets", " , ").get(psp));
        assertThat(e.getMessage()).contains("postbox.test.hooks.psp.secrets='****'").doesNotContain(" , ");
        ConfigReader r = reader("postbox.test.password", "hunter2");
        assertThat(r.invalid(PASSWORD, "is refused by the database").getMessage())
                .isEqualTo("Invalid Postbox configuration postbox.test.password='****': is refused by the database "
                        + "(from MicroProfile Config)");
        assertThat(reader("postbox.test.hooks.psp.secrets", "a, b").get(psp)).containsExactly("a", "b");
    }

    @Test
    void aMissingRequiredKeySaysWhereItWasLookedFor() {
        PostboxConfigurationException e = catchThrowableOfType(PostboxConfigurationException.class,
                () -> reader().get(SINK));
        assertThat(e.getMessage()).isEqualTo("Invalid Postbox configuration postbox.test.sink=<unset>: must be set "
                + "(not set in MicroProfile Config)");
    }

    @Test
    void templatesResolveAndPassThroughKeysAreCollected() {
        ConfigReader r = reader("postbox.test.\"Payments#on\".max-attempts", "9", "postbox.test.kafka.acks", "all",
                "postbox.test.kafka.compression.type", "lz4", "postbox.other.kafka.acks", "1");
        assertThat(r.ifSet(SCOPED_ATTEMPTS.resolve("Payments#on"))).contains(9);
        assertThat(r.ifSet(SCOPED_ATTEMPTS.resolve("Other#on"))).isEmpty();
        assertThat(r.passThrough(KAFKA)).isEqualTo(Map.of("acks", "all", "compression.type", "lz4"));
        assertThatThrownBy(() -> r.get(SECRETS)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aResolvedKeyIsConcreteEvenWhenTheValueFilledInLooksLikeAPlaceholder() {
        // a scope may be named anything, markup included: its keys must stay readable, not "a template"
        String scope = "<script>alert(1)</script>";
        ConfigKey<Integer> key = SCOPED_ATTEMPTS.resolve(scope);
        assertThat(key.isTemplate()).isFalse();
        assertThat(key.name()).isEqualTo("postbox.test.\"<script>alert(1)</script>\".max-attempts");
        assertThat(reader(key.name(), "4").ifSet(key)).contains(4);
        assertThat(reader().ifSet(key)).isEmpty();
        assertThat(reader(key.name(), "4").rejectUnknown().ifSet(key.defaultValue("2"))).contains(4);
    }

    @Test
    void unknownKeysUnderTheModulePrefixFailNamingTheNearestKeyWithoutTheValue() {
        PostboxConfigurationException e = catchThrowableOfType(PostboxConfigurationException.class,
                () -> reader("postbox.test.max-atempts", "3").rejectUnknown());
        assertThat(e.key()).isEqualTo("postbox.test.max-atempts");
        assertThat(e.getMessage()).isEqualTo("Invalid Postbox configuration postbox.test.max-atempts='****': unknown "
                + "test configuration key; did you mean postbox.test.max-attempts? every key is listed in the test "
                + "README (from MicroProfile Config)");
        assertThat(catchThrowableOfType(PostboxConfigurationException.class,
                () -> reader("postbox.test.\"X#on\".max-atempts", "3").rejectUnknown()).getMessage())
                .contains("did you mean postbox.test.\"X#on\".max-attempts?");
        assertThat(catchThrowableOfType(PostboxConfigurationException.class,
                () -> reader("postbox.test.zzzzzzzzzzzzzz", "3").rejectUnknown()).getMessage())
                .doesNotContain("did you mean");
    }

    @Test
    void keysOfOtherPrefixesTemplatesAndPassThroughAreNotUnknown() {
        reader("postbox.relay.anything", "x", "postbox.testing.x", "1", "postbox.demo.db.host", "h",
                "postbox.test.hooks.psp.secrets", "s", "postbox.test.\"A#b\".max-attempts", "2",
                "postbox.test.kafka.linger.ms", "5", "other", "y").rejectUnknown();
        // a source that cannot list names cannot be checked: nothing is reported
        ConfigReader.of(KEYS, ConfigSource.of("lookup", name -> Optional.of("1"))).rejectUnknown();
    }

    @Test
    void aWrongDefaultFailsWhereItIsDeclared() {
        assertThatThrownBy(() -> ConfigKey.integer("postbox.test.x", 1, 5).defaultValue("9"))
                .hasMessageContaining("default '9' of postbox.test.x must be an integer from 1 to 5");
    }
}
