package dev.postbox.demo.launcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The external ledger API the payments service posts to: slow (20-250 ms per call) and unreliable. For each
 * posting (its {@code Idempotency-Key}) it decides up front, from the seed, how many calls fail before one
 * succeeds: none for most, up to three for some. A failure is a 503, or now and then an answer that comes too
 * late for the client's 3 s timeout (the posting is booked anyway: the client's retry then gets the same
 * reference back, because the ledger is idempotent on the key, as a real one must be). Accounts can be frozen:
 * postings to them are rejected with 403 (not worth retrying) until they are unfrozen.
 *
 * <p>Runs on 127.0.0.1 in the launcher's JVM: {@code POST /ledger/postings}.
 */
final class LedgerSimulator implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LedgerSimulator.class.getName());
    /** Longer than the payments service's client timeout (3 s). */
    static final long TOO_LATE_MILLIS = 3_500;

    private final HttpServer server;
    private final ExecutorService executor;
    private final long seed;
    private final Map<String, String> postings = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> callsPerKey = new ConcurrentHashMap<>();
    private final Set<String> frozen = ConcurrentHashMap.newKeySet();
    private final AtomicLong references = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();
    private final AtomicLong tooLate = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    /** While set, every call is answered 503 at once (an outage of the whole ledger). */
    private volatile boolean down;
    /** Cleared when the ledger comes back from an outage: then it answers every call at once and in time. */
    private volatile boolean flaky = true;
    /** When each call arrived ({@link System#nanoTime()}), to measure call rates. */
    private final java.util.Queue<Long> callTimes = new java.util.concurrent.ConcurrentLinkedQueue<>();

    LedgerSimulator(int port, long seed) throws IOException {
        this.seed = seed;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        this.executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "ledger-simulator");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/ledger/postings", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ledger");
    }

    /** Starts or ends an outage: while it lasts every call gets a 503 at once. */
    void down(boolean down) {
        this.down = down;
        if (!down) {
            flaky = false; // back from the outage healthy, so the recovery measures the rate limit, not retries
        }
        LOG.info(() -> down ? "Ledger is DOWN: every call answers 503" : "Ledger is back up, and healthy");
    }

    /** When each call so far arrived ({@link System#nanoTime()}). */
    java.util.List<Long> callTimes() {
        return java.util.List.copyOf(callTimes);
    }

    void freeze(String accountId) {
        frozen.add(accountId);
    }

    void unfreeze(String accountId) {
        frozen.remove(accountId);
        LOG.info(() -> "Ledger accepts postings to " + accountId + " again");
    }

    /** How many calls for this key fail before one succeeds: 0 (65 %), 1 (20 %), 2 (10 %), 3 (5 %). */
    int plannedFailures(String key) {
        double x = new Random(seed ^ key.hashCode() * 0x9E3779B97F4A7C15L).nextDouble();
        return x < 0.65 ? 0 : x < 0.85 ? 1 : x < 0.95 ? 2 : 3;
    }

    /** Whether failure number {@code n} of this key is a late answer rather than a 503 (about one in four). */
    private boolean lateAnswer(String key, int n) {
        return new Random(seed ^ (key.hashCode() + 31L * n) * 0xC2B2AE3D27D4EB4FL).nextInt(4) == 0;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                respond(exchange, 405, "{\"error\":\"POST only\"}");
                return;
            }
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            JsonObject body;
            try (InputStream in = exchange.getRequestBody()) {
                body = Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            calls.incrementAndGet();
            callTimes.add(System.nanoTime());
            if (down) {
                respond(exchange, 503, "{\"error\":\"ledger is down\"}");
                return;
            }
            if (key == null || key.isBlank()) {
                respond(exchange, 400, "{\"error\":\"Idempotency-Key header required\"}");
                return;
            }
            sleep(ThreadLocalRandom.current().nextLong(20, 251));
            String account = body.getString("accountId", "");
            if (frozen.contains(account)) {
                rejected.incrementAndGet();
                respond(exchange, 403, "{\"error\":\"account " + account + " is frozen\"}");
                return;
            }
            String existing = postings.get(key);
            if (existing != null) {
                replayed.incrementAndGet();
                respond(exchange, 200, "{\"reference\":\"" + existing + "\",\"replayed\":true}");
                return;
            }
            int call = callsPerKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (flaky && call <= plannedFailures(key)) {
                if (lateAnswer(key, call)) {
                    tooLate.incrementAndGet();
                    String reference = book(key);
                    sleep(TOO_LATE_MILLIS);
                    respond(exchange, 201, "{\"reference\":\"" + reference + "\"}");
                } else {
                    unavailable.incrementAndGet();
                    respond(exchange, 503, "{\"error\":\"ledger temporarily unavailable\"}");
                }
                return;
            }
            respond(exchange, 201, "{\"reference\":\"" + book(key) + "\"}");
        }
    }

    private String book(String key) {
        return postings.computeIfAbsent(key, k -> "LDG-" + String.format("%05d", references.incrementAndGet()));
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        try {
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            // the client gave up (timeout): that is the point of a late answer
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Stats stats() {
        return new Stats(calls.get(), unavailable.get(), tooLate.get(), rejected.get(), postings.size(),
                replayed.get());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @param calls requests received
     * @param unavailable answered 503
     * @param tooLate answered after the client's timeout (booked anyway)
     * @param rejected answered 403 (frozen account)
     * @param postings distinct postings booked
     * @param replayed calls for an already booked key, answered with the same reference
     */
    record Stats(long calls, long unavailable, long tooLate, long rejected, long postings, long replayed) {
    }
}
