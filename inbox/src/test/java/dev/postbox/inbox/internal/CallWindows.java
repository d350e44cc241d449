package dev.postbox.inbox.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Measures recorded call times: the most calls in any window of a given width. */
public final class CallWindows {

    private CallWindows() {
    }

    /** The most timestamps (nanoseconds) in any half-open window [t, t + width) starting at one of them. */
    public static int maxInAnyWindow(Collection<Long> nanos, long width) {
        List<Long> times = new ArrayList<>(nanos);
        times.sort(null);
        int max = 0;
        int j = 0;
        for (int i = 0; i < times.size(); i++) {
            while (j < times.size() && times.get(j) < times.get(i) + width) {
                j++;
            }
            max = Math.max(max, j - i);
        }
        return max;
    }
}
