package dev.postbox.common.internal.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where raw values come from, and its name for error messages ({@code MicroProfile Config},
 * {@code OutboxRelay.builder().configure(...)}). Blank values count as unset (as in MicroProfile Config).
 *
 * <p>For MicroProfile Config (the modules' CDI layers; {@code common} does not depend on it):
 * <pre>{@code
 * Config mp = ConfigProvider.getConfig();
 * ConfigSource source = ConfigSource.of("MicroProfile Config", name -> mp.getOptionalValue(name, String.class),
 *         mp::getPropertyNames);
 * }</pre>
 */
public final class ConfigSource {

    private final String description;
    private final Function<String, Optional<String>> lookup;
    private final Supplier<? extends Iterable<String>> names;

    private ConfigSource(String description, Function<String, Optional<String>> lookup,
            Supplier<? extends Iterable<String>> names) {
        this.description = Objects.requireNonNull(description, "description");
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.names = Objects.requireNonNull(names, "names");
    }

    /**
     * A source that can list its names: unknown keys are looked for, pass-through keys can be read.
     *
     * @param names every name the source holds (MicroProfile's {@code Config::getPropertyNames})
     */
    public static ConfigSource of(String description, Function<String, Optional<String>> lookup,
            Supplier<? extends Iterable<String>> names) {
        return new ConfigSource(description, lookup, names);
    }

    /** A source that can only look names up: no unknown-key check, no pass-through keys. */
    public static ConfigSource of(String description, Function<String, Optional<String>> lookup) {
        return new ConfigSource(description, lookup, List::of);
    }

    public static ConfigSource of(String description, Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return new ConfigSource(description, name -> Optional.ofNullable(copy.get(name)), copy::keySet);
    }

    /** The raw value of a name, empty when unset or blank. */
    public Optional<String> get(String name) {
        Optional<String> value = lookup.apply(name);
        return value == null ? Optional.empty() : value.filter(v -> !v.isBlank());
    }

    public Iterable<String> names() {
        Iterable<String> all = names.get();
        return all == null ? List.of() : all;
    }

    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }
}
