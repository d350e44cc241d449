package dev.postbox.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a baseline and a candidate workload in alternating rounds (A B A B …) with the same number of client
 * threads, so that drift of a noisy machine hits both equally, and reports both as figures and as ratios.
 */
final class AbRun {

    /** One unit of work, e.g. one transaction; called concurrently by several threads. */
    @FunctionalInterface
    interface Operation {
        void run(int thread, long iteration) throws Exception;
    }

    record Figures(double opsPerSecond, double p50Millis, double p99Millis, long operations) {
    }

    record Result(String name, Figures baseline, Figures candidate) {
        double throughputRatio() {
            return candidate.opsPerSecond / baseline.opsPerSecond;
        }

        double p99Ratio() {
            return candidate.p99Millis / baseline.p99Millis;
        }
    }

    private final int threads;
    private final int rounds;
    private final long roundMillis;

    AbRun(int threads, int rounds, long roundMillis) {
        this.threads = threads;
        this.rounds = rounds;
        this.roundMillis = roundMillis;
    }

    Result run(String name, Operation baseline, Operation candidate) throws Exception {
        Map<String, Operation> variants = new LinkedHashMap<>();
        variants.put("baseline", baseline);
        variants.put("candidate", candidate);
        Map<String, Figures> figures = runAll(variants);
        return new Result(name, figures.get("baseline"), figures.get("candidate"));
    }

    /**
     * Runs several variants in rotating rounds: after one warm-up round each, every measured round runs all
     * variants once, each round starting one variant later (A B C, B C A, C A B, …), so that drift of a noisy
     * machine hits all of them equally.
     *
     * @return the figures of each variant, in the order given
     */
    Map<String, Figures> runAll(Map<String, Operation> variants) throws Exception {
        List<String> names = new ArrayList<>(variants.keySet());
        Map<String, List<double[]>> throughputs = new LinkedHashMap<>();
        Map<String, List<long[]>> latencies = new LinkedHashMap<>();
        for (String n : names) {
            round(variants.get(n)); // warm-up, discarded
            throughputs.put(n, new ArrayList<>());
            latencies.put(n, new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < names.size(); k++) {
                String n = names.get((r + k) % names.size());
                long[] lat = round(variants.get(n));
                throughputs.get(n).add(new double[] {lat.length / (roundMillis / 1000.0)});
                latencies.get(n).add(lat);
            }
        }
        Map<String, Figures> result = new LinkedHashMap<>();
        for (String n : names) {
            result.put(n, figures(throughputs.get(n), latencies.get(n)));
        }
        return result;
    }

    private static Figures figures(List<double[]> throughputs, List<long[]> latencies) {
        double[] t = throughputs.stream().mapToDouble(a -> a[0]).sorted().toArray();
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Figures(t[t.length / 2], percentile(all, 0.50), percentile(all, 0.99), all.length);
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1_000_000.0;
    }

    /** Runs one round; returns every operation's latency in nanoseconds. */
    private long[] round(Operation operation) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(threads);
        long[][] perThread = new long[threads][];
        int[] counts = new int[threads];
        Exception[] failure = new Exception[1];
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                long[] lat = new long[1 << 16];
                int n = 0;
                try {
                    while (!stop.get()) {
                        long start = System.nanoTime();
                        operation.run(thread, n);
                        long took = System.nanoTime() - start;
                        if (n == lat.length) {
                            lat = Arrays.copyOf(lat, lat.length * 2);
                        }
                        lat[n++] = took;
                    }
                } catch (Exception e) {
                    failure[0] = e;
                } finally {
                    perThread[thread] = lat;
                    counts[thread] = n;
                    done.countDown();
                }
            }, "bench-client-" + t);
            worker.start();
        }
        Thread.sleep(roundMillis);
        stop.set(true);
        done.await();
        if (failure[0] != null) {
            throw failure[0];
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int pos = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(perThread[t], 0, all, pos, counts[t]);
            pos += counts[t];
        }
        return all;
    }
}
