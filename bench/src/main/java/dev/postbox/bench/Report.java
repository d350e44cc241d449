package dev.postbox.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Every figure of a run with its same-run baseline, the ratio, and the goal from issue 6. */
final class Report {

    record Line(String figure, double baseline, double candidate, String goal, String note) {
        double ratio() {
            return candidate / baseline;
        }
    }

    private final List<Line> lines = new ArrayList<>();

    void add(String figure, double baseline, double candidate, String goal, String note) {
        lines.add(new Line(figure, baseline, candidate, goal, note));
        System.out.printf(Locale.ROOT, "  %-52s baseline %10.2f  postbox %10.2f  ratio %6.2fx  goal %s%s%n", figure,
                baseline, candidate, candidate / baseline, goal, note.isEmpty() ? "" : "  (" + note + ")");
    }

    void add(AbRun.Result r, String throughputGoal, String p99Goal) {
        add(r.name() + ": throughput (tx/s)", r.baseline().opsPerSecond(), r.candidate().opsPerSecond(),
                throughputGoal, "");
        add(r.name() + ": p99 latency (ms)", r.baseline().p99Millis(), r.candidate().p99Millis(), p99Goal, "");
    }

    void print() {
        System.out.println();
        System.out.println("| figure | baseline | postbox | ratio | goal |");
        System.out.println("|---|---:|---:|---:|---|");
        for (Line l : lines) {
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2fx | %s%s |%n", l.figure(), l.baseline(),
                    l.candidate(), l.ratio(), l.goal(), l.note().isEmpty() ? "" : " (" + l.note() + ")");
        }
    }
}
