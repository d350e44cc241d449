package dev.postbox.it.platform.app;

import java.util.ArrayList;
import java.util.List;

/**
 * What happened on the request thread, in order: the business method, Hibernate's flush (entity listener) and the
 * JTA synchronizations all run on the thread that commits, which is the request thread here.
 */
public final class Trace {

    private static final ThreadLocal<List<String>> LINES = new ThreadLocal<>();

    private Trace() {
    }

    public static void start() {
        LINES.set(new ArrayList<>());
    }

    public static void add(String line) {
        List<String> lines = LINES.get();
        if (lines != null) {
            lines.add(line);
        }
    }

    public static List<String> stop() {
        List<String> lines = LINES.get();
        LINES.remove();
        return lines == null ? List.of() : lines;
    }
}
