package dev.postbox.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every figure of a run with its same-run baseline, the ratio, and the goal of issue 14 with whether this run met
 * it. Goals are printed, never asserted: the machine is shared and the figures are noisy.
 */
final class Report {

    /** A goal on the ratio (candidate / baseline) or on the candidate's own value; or none. */
    record Goal(String text, boolean onRatio, double limit, int sign) {
        static Goal none() {
            return new Goal("-", true, 0, 0);
        }

        static Goal ratioAtLeast(double limit) {
            return new Goal(String.format(Locale.ROOT, ">= %.2fx", limit), true, limit, 1);
        }

        static Goal ratioAtMost(double limit) {
            return new Goal(String.format(Locale.ROOT, "<= %.2fx", limit), true, limit, -1);
        }

        /** Strictly below the baseline (ratio &lt; 1). */
        static Goal lower() {
            return new Goal("< 1x (lower)", true, 1.0, -2);
        }

        static Goal valueAtMost(double limit, String unit) {
            return new Goal(String.format(Locale.ROOT, "<= %s %s", trim(limit), unit), false, limit, -1);
        }

        String verdict(double baseline, double candidate) {
            if (sign == 0) {
                return "";
            }
            double v = onRatio ? candidate / baseline : candidate;
            if (Double.isNaN(v)) {
                return "?";
            }
            boolean met = switch (sign) {
                case 1 -> v >= limit;
                case -1 -> v <= limit;
                default -> v < limit;
            };
            return met ? "met" : "UNMET";
        }

        private static String trim(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }
    }

    record Line(String figure, String baselineName, double baseline, double candidate, Goal goal, String note) {
        String ratio() {
            return baseline == 0 ? "-" : String.format(Locale.ROOT, "%.2fx", candidate / baseline);
        }
    }

    private final List<Line> lines = new ArrayList<>();

    void add(String figure, String baselineName, double baseline, double candidate, Goal goal, String note) {
        Line l = new Line(figure, baselineName, baseline, candidate, goal, note);
        lines.add(l);
        System.out.printf(Locale.ROOT, "  %-60s %-28s %10.2f  postbox %10.2f  ratio %7s  goal %s %s%s%n", figure,
                baselineName, baseline, candidate, l.ratio(), goal.text(), goal.verdict(baseline, candidate),
                note.isEmpty() ? "" : "  (" + note + ")");
    }

    /** Kept for the figures that compare against "the baseline" without naming it. */
    void add(String figure, double baseline, double candidate, Goal goal, String note) {
        add(figure, "baseline", baseline, candidate, goal, note);
    }

    void print() {
        System.out.println();
        System.out.println("| figure | baseline | baseline value | postbox | ratio | goal | this run |");
        System.out.println("|---|---|---:|---:|---:|---|---|");
        for (Line l : lines) {
            System.out.printf(Locale.ROOT, "| %s%s | %s | %.2f | %.2f | %s | %s | %s |%n", l.figure(),
                    l.note().isEmpty() ? "" : " (" + l.note() + ")", l.baselineName(), l.baseline(), l.candidate(),
                    l.ratio(), l.goal().text(), l.goal().verdict(l.baseline(), l.candidate()));
        }
    }
}
