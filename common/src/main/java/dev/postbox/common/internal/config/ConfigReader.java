package dev.postbox.common.internal.config;

import dev.postbox.common.PostboxConfigurationException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads typed values of one module's keys from one {@link ConfigSource}. Every problem is a
 * {@link PostboxConfigurationException} of one shape:
 * {@code Invalid Postbox configuration postbox.inbox.max-attempts='abc': must be an integer from 1 to 1000 (from
 * MicroProfile Config)}; secret values show as {@code ****}.
 *
 * <pre>{@code
 * ConfigReader reader = ConfigReader.of(InboxKeys.ALL, source).rejectUnknown();
 * int batchSize = reader.get(InboxKeys.BATCH_SIZE);              // set value, else the default
 * Optional<Integer> scoped = reader.ifSet(InboxKeys.SCOPED_MAX_ATTEMPTS.resolve("Payments#on"));
 * }</pre>
 */
public final class ConfigReader {

    private final KeySet keys;
    private final ConfigSource source;

    private ConfigReader(KeySet keys, ConfigSource source) {
        this.keys = keys;
        this.source = source;
    }

    public static ConfigReader of(KeySet keys, ConfigSource source) {
        return new ConfigReader(keys, source);
    }

    /** Applies the unknown-key policy ({@link KeySet#rejectUnknown}) and returns this reader. */
    public ConfigReader rejectUnknown() {
        keys.rejectUnknown(source);
        return this;
    }

    public ConfigSource source() {
        return source;
    }

    /**
     * The set value, else the default.
     *
     * @throws PostboxConfigurationException when the value is invalid, or neither set nor defaulted ("must be set")
     */
    public <T> T get(ConfigKey<T> key) {
        return find(key).orElseThrow(() -> invalid(key, "must be set"));
    }

    /** The set value, else the default, else empty. */
    public <T> Optional<T> find(ConfigKey<T> key) {
        Optional<T> set = ifSet(key);
        if (set.isPresent() || key.defaultValue() == null) {
            return set;
        }
        try {
            return Optional.of(key.parse(key.defaultValue()));
        } catch (IllegalArgumentException e) {
            throw new PostboxConfigurationException(key.name(), shown(key, key.defaultValue()),
                    e.getMessage() + " (built-in default)");
        }
    }

    /** Only a value set in the source (defaults ignored), e.g. for per-scope overrides. */
    public <T> Optional<T> ifSet(ConfigKey<T> key) {
        requireConcrete(key);
        Optional<String> raw = source.get(key.name());
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(key.parse(raw.get()));
        } catch (IllegalArgumentException e) {
            throw new PostboxConfigurationException(key.name(), shown(key, raw.get()),
                    e.getMessage() + " (from " + source.description() + ")");
        }
    }

    /** The raw text set for a key (trimmed), for messages and cross-key checks. */
    public Optional<String> raw(ConfigKey<?> key) {
        return source.get(key.name()).map(String::trim);
    }

    /**
     * Every {@code prefix.name=value} under a pass-through key ({@code postbox.relay.kafka.producer.*}), keyed by
     * {@code name}. Needs a source that lists its names.
     */
    public Map<String, String> passThrough(ConfigKey<?> key) {
        if (!key.isPassThrough()) {
            throw new IllegalArgumentException(key.name() + " is not a pass-through key (name.*)");
        }
        String prefix = key.name().substring(0, key.name().length() - 1);
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : source.names()) {
            if (name != null && name.startsWith(prefix) && name.length() > prefix.length()) {
                source.get(name).ifPresent(v -> values.put(name.substring(prefix.length()), v));
            }
        }
        return Map.copyOf(values);
    }

    /**
     * An error about {@code key} in the one shape, with its current value (masked when secret) and where it came
     * from; for rules between keys, e.g. {@code reader.invalid(MAX_DELAY, "must not be shorter than ...")}.
     */
    public PostboxConfigurationException invalid(ConfigKey<?> key, String problem) {
        Optional<String> raw = raw(key);
        if (raw.isPresent()) {
            return new PostboxConfigurationException(key.name(), shown(key, raw.get()),
                    problem + " (from " + source.description() + ")");
        }
        if (key.defaultValue() != null) {
            return new PostboxConfigurationException(key.name(), shown(key, key.defaultValue()),
                    problem + " (built-in default)");
        }
        return new PostboxConfigurationException(key.name(), null,
                problem + " (not set in " + source.description() + ")");
    }

    private static String shown(ConfigKey<?> key, String value) {
        return key.isSecret() ? "****" : value;
    }

    private static void requireConcrete(ConfigKey<?> key) {
        if (key.isTemplate() || key.isPassThrough()) {
            throw new IllegalArgumentException(key.name() + " is a template or pass-through key: resolve it first "
                    + "(ConfigKey.resolve) or read it with passThrough");
        }
    }
}
