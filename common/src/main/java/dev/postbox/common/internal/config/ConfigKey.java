package dev.postbox.common.internal.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configuration key, declared once: name, type, default, description, and whether it is secret. Modelled on
 * Debezium's {@code Field}. Instances are immutable; the {@code with}-style methods return copies, so a key reads
 * as one declaration:
 *
 * <pre>{@code
 * static final ConfigKey<Integer> BATCH_SIZE = ConfigKey.integer("postbox.inbox.batch-size", 1, 10_000)
 *         .defaultValue("20").description("How many due records one poll claims.");
 * }</pre>
 *
 * <p>A name may hold placeholders in angle brackets, e.g. {@code postbox.inbox.webhooks.<name>.secrets} or
 * {@code postbox.inbox."<scope>".max-attempts}: such a template is {@linkplain #resolve resolved} to a concrete
 * key before reading, and matches any name of that shape when unknown keys are looked for. A name ending in
 * {@code .*} declares a pass-through prefix, read with {@link ConfigReader#passThrough}.
 *
 * @param <T> the Java type of the value
 */
public final class ConfigKey<T> {

    private static final Pattern PLACEHOLDER = Pattern.compile("<[^<>]+>");

    private final String name;
    private final ValueType<T> type;
    private final String defaultValue;
    private final String description;
    private final boolean secret;
    /** Made by {@link #resolve}: concrete even if a filled-in value looks like a placeholder (a scope {@code <b>}). */
    private final boolean resolved;

    private ConfigKey(String name, ValueType<T> type, String defaultValue, String description, boolean secret) {
        this(name, type, defaultValue, description, secret, false);
    }

    private ConfigKey(String name, ValueType<T> type, String defaultValue, String description, boolean secret,
            boolean resolved) {
        this.resolved = resolved;
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.defaultValue = defaultValue;
        this.description = description == null ? "" : description;
        this.secret = secret;
    }

    public static <T> ConfigKey<T> of(String name, ValueType<T> type) {
        return new ConfigKey<>(name, type, null, null, false);
    }

    public static ConfigKey<String> string(String name) {
        return of(name, ValueType.string());
    }

    public static ConfigKey<Boolean> bool(String name) {
        return of(name, ValueType.bool());
    }

    public static ConfigKey<Integer> integer(String name, int min, int max) {
        return of(name, ValueType.integer(min, max));
    }

    public static ConfigKey<Long> longInteger(String name, long min, long max) {
        return of(name, ValueType.longInteger(min, max));
    }

    public static ConfigKey<Double> decimal(String name, double min, double max) {
        return of(name, ValueType.decimal(min, max));
    }

    /** A positive duration ({@link Durations}). */
    public static ConfigKey<Duration> duration(String name) {
        return of(name, ValueType.duration(false));
    }

    /** A duration that may be zero (e.g. "0 disables"). */
    public static ConfigKey<Duration> durationOrZero(String name) {
        return of(name, ValueType.duration(true));
    }

    public static ConfigKey<String> choice(String name, String... allowed) {
        return of(name, ValueType.choice(allowed));
    }

    /** A plain table or schema name ({@code SqlIdentifiers.require}). */
    public static ConfigKey<String> table(String name) {
        return of(name, ValueType.table());
    }

    /** A table name, optionally {@code schema.table} ({@code SqlIdentifiers.requireQualified}). */
    public static ConfigKey<String> qualifiedTable(String name) {
        return of(name, ValueType.qualifiedTable());
    }

    public static ConfigKey<List<String>> list(String name) {
        return of(name, ValueType.list());
    }

    /** Every key starting with {@code prefix} (which ends with {@code .*}), passed through as raw text. */
    public static ConfigKey<Map<String, String>> passThrough(String prefix) {
        if (!prefix.endsWith(".*")) {
            throw new IllegalArgumentException("a pass-through key ends with .*: " + prefix);
        }
        return of(prefix, ValueType.of("pass-through", text -> {
            throw new IllegalArgumentException("a pass-through key is read with ConfigReader.passThrough");
        }));
    }

    /**
     * The default, as text in the key's own grammar (what the README shows). It is parsed here, so a wrong
     * default fails when the declaring class loads.
     */
    public ConfigKey<T> defaultValue(String text) {
        if (text != null && !isPassThrough()) {
            try {
                type.parse(text.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("default '" + text + "' of " + name + " " + e.getMessage(), e);
            }
        }
        return new ConfigKey<>(name, type, text, description, secret, resolved);
    }

    public ConfigKey<T> description(String text) {
        return new ConfigKey<>(name, type, defaultValue, text, secret, resolved);
    }

    /** Values of this key are never shown: messages print {@code ****}. */
    public ConfigKey<T> secret() {
        return new ConfigKey<>(name, type, defaultValue, description, true, resolved);
    }

    /** One more rule on the parsed value; {@code allowed} says it, e.g. {@code must contain ${aggregatetype}}. */
    public ConfigKey<T> check(Predicate<? super T> ok, String allowed) {
        return new ConfigKey<>(name, type.and(ok, allowed), defaultValue, description, secret, resolved);
    }

    /** The same key under another name (e.g. the per-scope template of a global key), without a default. */
    public ConfigKey<T> renamed(String newName) {
        return new ConfigKey<>(newName, type, null, description, secret);
    }

    /**
     * The concrete key of a template: each {@code <placeholder>} in turn replaced by one of {@code values}.
     * {@code postbox.inbox.webhooks.<name>.secrets} resolved with {@code psp} is
     * {@code postbox.inbox.webhooks.psp.secrets}.
     */
    public ConfigKey<T> resolve(String... values) {
        Matcher m = PLACEHOLDER.matcher(name);
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (m.find()) {
            if (i >= values.length) {
                throw new IllegalArgumentException("no value for " + m.group() + " of " + name);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(values[i++]));
        }
        m.appendTail(out);
        if (i != values.length) {
            throw new IllegalArgumentException(name + " has " + i + " placeholders, not " + values.length);
        }
        return new ConfigKey<>(out.toString(), type, defaultValue, description, secret, true);
    }

    /** True for a name with placeholders such as {@code <name>}. */
    public boolean isTemplate() {
        return !resolved && PLACEHOLDER.matcher(name).find();
    }

    public boolean isPassThrough() {
        return name.endsWith(".*");
    }

    /** True when {@code candidate} is this key's name, fits this template, or starts with this pass-through prefix. */
    public boolean matches(String candidate) {
        if (isPassThrough()) {
            String prefix = name.substring(0, name.length() - 1);
            return candidate.startsWith(prefix) && candidate.length() > prefix.length();
        }
        if (!isTemplate()) {
            return name.equals(candidate);
        }
        StringBuilder regex = new StringBuilder("^");
        Matcher m = PLACEHOLDER.matcher(name);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(name.substring(last, m.start()))).append(".+");
            last = m.end();
        }
        regex.append(Pattern.quote(name.substring(last))).append('$');
        return candidate.matches(regex.toString());
    }

    /** Parses trimmed, non-blank text; {@link IllegalArgumentException} says what is allowed. */
    public T parse(String text) {
        return type.parse(text.trim());
    }

    public String name() {
        return name;
    }

    public ValueType<T> type() {
        return type;
    }

    /** The default as text, or null when the key has none. */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public boolean isSecret() {
        return secret;
    }

    /** What the key accepts, e.g. {@code must be true or false}. */
    public String allowed() {
        return type.allowed();
    }

    @Override
    public String toString() {
        return name;
    }
}
