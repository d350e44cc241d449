package dev.postbox.fault.support;

/**
 * Sizes of the scenarios. The normal build runs every scenario at the "fast" size (the module stays within a few
 * minutes on two shared cores); {@code -Pfault-full} (system property {@code fault.scale=full}) runs the same
 * scenarios longer: more kills, more events, more races.
 */
public final class Scale {

    public static final boolean FULL = "full".equalsIgnoreCase(System.getProperty("fault.scale", "fast"));

    private Scale() {
    }

    public static int pick(int fast, int full) {
        return FULL ? full : fast;
    }

    public static String name() {
        return FULL ? "full" : "fast";
    }
}
