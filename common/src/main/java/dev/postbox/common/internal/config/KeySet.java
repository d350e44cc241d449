package dev.postbox.common.internal.config;

import dev.postbox.common.PostboxConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The keys of one module, all under its prefix ({@code postbox.inbox.}): those its README table documents, and
 * further accepted templates (e.g. per-scope overrides documented in prose).
 *
 * <p><b>Unknown keys</b> (one policy for every module): a name under the module's own prefix that is no key fails
 * start-up, naming the nearest known key (a typo must not silently fall back to a default). Each module checks
 * only its own prefix, so keys of other modules, of modules not deployed ({@code postbox.relay.*} without the
 * relay) and of applications ({@code postbox.demo.*}) are never reported. The value is not shown: it may be a
 * misspelt secret.
 */
public final class KeySet {

    private final String module;
    private final String prefix;
    private final List<ConfigKey<?>> documented;
    private final List<ConfigKey<?>> accepted;

    private KeySet(String module, String prefix, List<ConfigKey<?>> documented, List<ConfigKey<?>> accepted) {
        if (!prefix.endsWith(".")) {
            throw new IllegalArgumentException("a prefix ends with a dot: " + prefix);
        }
        for (ConfigKey<?> key : documented) {
            if (!key.name().startsWith(prefix)) {
                throw new IllegalArgumentException(key.name() + " is not under " + prefix);
            }
        }
        this.module = module;
        this.prefix = prefix;
        this.documented = List.copyOf(documented);
        this.accepted = List.copyOf(accepted);
    }

    /**
     * @param module the module's name in messages ("inbox": "see the inbox README")
     * @param prefix the names this module owns, e.g. {@code postbox.inbox.}
     * @param keys the keys its README table documents, in table order
     */
    public static KeySet of(String module, String prefix, List<? extends ConfigKey<?>> keys) {
        return new KeySet(module, prefix, List.copyOf(keys), List.of());
    }

    /** This set also accepting {@code templates} (not rows of the README table, e.g. per-scope keys). */
    public KeySet alsoAccepting(List<? extends ConfigKey<?>> templates) {
        List<ConfigKey<?>> all = new ArrayList<>(accepted);
        all.addAll(templates);
        return new KeySet(module, prefix, documented, all);
    }

    public String module() {
        return module;
    }

    public String prefix() {
        return prefix;
    }

    /** The keys of the README table, in order. */
    public List<ConfigKey<?>> keys() {
        return documented;
    }

    /** True when {@code name} is a key, fits a template, or lies under a pass-through prefix. */
    public boolean isKnown(String name) {
        return documented.stream().anyMatch(k -> k.matches(name)) || accepted.stream().anyMatch(k -> k.matches(name));
    }

    /** True for names this set owns (under its prefix), known or not. */
    public boolean owns(String name) {
        return name.startsWith(prefix);
    }

    /** The known name nearest to a misspelt one, when one is near enough to be a likely typo. */
    public Optional<String> nearest(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        List<ConfigKey<?>> all = new ArrayList<>(documented);
        all.addAll(accepted);
        for (ConfigKey<?> key : all) {
            String candidate = key.isTemplate() ? fill(key.name(), name) : key.name();
            int d = distance(name, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        int tolerance = Math.max(2, (name.length() - prefix.length()) / 3);
        return bestDistance <= tolerance ? Optional.ofNullable(best) : Optional.empty();
    }

    /**
     * Applies the unknown-key policy to every name of {@code source}.
     *
     * @throws PostboxConfigurationException for the first unknown name under this set's prefix
     */
    public void rejectUnknown(ConfigSource source) {
        List<String> unknown = new ArrayList<>();
        for (String name : source.names()) {
            if (name != null && owns(name) && !isKnown(name)) {
                unknown.add(name);
            }
        }
        if (unknown.isEmpty()) {
            return;
        }
        unknown.sort(null);
        String name = unknown.get(0);
        String hint = nearest(name).map(n -> "did you mean " + n + "? ").orElse("");
        String others = unknown.size() == 1 ? "" : " (also unknown: " + String.join(", ", unknown.subList(1,
                unknown.size())) + ")";
        throw new PostboxConfigurationException(name, "****", "unknown " + module + " configuration key; " + hint
                + "every key is listed in the " + module + " README" + others + " (from " + source.description()
                + ")");
    }

    /**
     * A template with one placeholder ({@code before<x>after}) filled from a misspelt name that starts like it,
     * so that {@code postbox.inbox."A#b".max-atempts} is compared with {@code postbox.inbox."A#b".max-attempts}.
     */
    private static String fill(String template, String name) {
        int open = template.indexOf('<');
        int close = template.indexOf('>', open);
        if (open < 0 || close < 0 || template.indexOf('<', close) >= 0) {
            return template;
        }
        String before = template.substring(0, open);
        String after = template.substring(close + 1);
        if (!name.startsWith(before) || name.length() <= before.length()) {
            return template;
        }
        String best = template;
        int bestDistance = Integer.MAX_VALUE;
        for (int end = before.length() + 1; end <= name.length(); end++) {
            int d = distance(name.substring(end), after);
            if (d < bestDistance) {
                bestDistance = d;
                best = before + name.substring(before.length(), end) + after;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
