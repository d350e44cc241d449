package dev.postbox.common.internal.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A module README's key table ({@code | `key` | `default` | meaning |}), read back and compared with the key
 * definitions, or rendered from them. A default cell of {@code –}, {@code —} or {@code -} means "no default".
 */
public final class ReadmeTable {

    /** One row: the key name, its default (null for none) and its meaning. */
    public record Row(String name, String defaultValue, String meaning) {
    }

    private static final Set<String> NO_DEFAULT = Set.of("", "-", "–", "—");

    private ReadmeTable() {
    }

    /** Every table row whose first cell is exactly one backticked name starting with {@code prefix}. */
    public static Map<String, Row> rows(String markdown, String prefix) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : markdown.split("\\R")) {
            String l = line.trim();
            if (!l.startsWith("|") || !l.endsWith("|")) {
                continue;
            }
            String[] cells = l.substring(1, l.length() - 1).split("(?<!\\\\)\\|", -1);
            if (cells.length < 3) {
                continue;
            }
            String first = cells[0].trim();
            if (!first.matches("^`[^`]+`$")) {
                continue;
            }
            String name = unquote(first);
            if (!name.startsWith(prefix)) {
                continue;
            }
            String dflt = cells[1].trim();
            String meaning = String.join("|", java.util.Arrays.copyOfRange(cells, 2, cells.length)).trim();
            rows.put(name, new Row(name, NO_DEFAULT.contains(dflt) ? null : unquote(dflt), meaning));
        }
        return rows;
    }

    /**
     * What differs between the README and the definitions; empty when they agree.
     *
     * @param everyKey true for the module README (each key needs a row), false for a summary such as the root
     *     README (only its rows are checked: each must be a key with the right default)
     */
    public static List<String> differences(KeySet keys, String markdown, boolean everyKey) {
        Map<String, Row> rows = rows(markdown, keys.prefix());
        List<String> problems = new ArrayList<>();
        for (ConfigKey<?> key : keys.keys()) {
            Row row = rows.get(key.name());
            if (row == null) {
                if (everyKey) {
                    problems.add(key.name() + ": no row in the README table; add " + render(key));
                }
            } else if (!java.util.Objects.equals(row.defaultValue(), key.defaultValue())) {
                problems.add(key.name() + ": README default " + cell(row.defaultValue()) + ", definition "
                        + cell(key.defaultValue()));
            }
        }
        for (Row row : rows.values()) {
            if (keys.keys().stream().noneMatch(k -> k.name().equals(row.name()))) {
                problems.add(row.name() + ": in the README table but not a key of the " + keys.module());
            }
        }
        return problems;
    }

    /** The table of every key, as the READMEs write it. */
    public static String render(KeySet keys) {
        StringBuilder s = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
        for (ConfigKey<?> key : keys.keys()) {
            s.append(render(key)).append('\n');
        }
        return s.toString();
    }

    /** One row: {@code | `name` | `default` | description |}. */
    public static String render(ConfigKey<?> key) {
        return "| `" + key.name() + "` | " + cell(key.defaultValue()) + " | " + key.description() + " |";
    }

    private static String cell(String value) {
        return value == null ? "–" : "`" + value + "`";
    }

    private static String unquote(String cell) {
        String c = cell.trim();
        return c.length() >= 2 && c.startsWith("`") && c.endsWith("`") ? c.substring(1, c.length() - 1) : c;
    }
}
