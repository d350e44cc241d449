package dev.postbox.fault.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.postbox.common.WebhookVerificationException;
import dev.postbox.inbox.DuplicateInProgressException;
import dev.postbox.inbox.Inbox;
import dev.postbox.inbox.ProcessingDeferredException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A webhook endpoint (JDK HTTP server) that verifies Standard Webhooks signatures and processes each message once
 * through {@link Inbox#processWebhook}: 200 when processed (or a duplicate answered from the inbox), 401 when the
 * signature or timestamp does not verify, 409 while the same id is in progress, 503 when a retry is deferred, 500
 * otherwise.
 */
public final class WebhookReceiver implements Delivered, AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final Inbox inbox;
    private final String name;
    private final Map<UUID, List<Long>> arrivals = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicInteger busy = new AtomicInteger();

    /** @param name the inbox's webhook receiver name (secrets key {@code postbox.inbox.webhooks.<name>.secrets}) */
    public WebhookReceiver(Inbox inbox, String name) {
        this.inbox = inbox;
        this.name = name;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hook", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    private void handle(HttpExchange exchange) throws IOException {
        busy.incrementAndGet();
        int status;
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            try {
                inbox.processWebhook(name, h -> exchange.getRequestHeaders().getFirst(h), body, String.class);
                status = 200;
                UUID id = UUID.fromString(exchange.getRequestHeaders().getFirst("webhook-id"));
                arrivals.computeIfAbsent(id, k -> Collections.synchronizedList(new ArrayList<>()))
                        .add(System.currentTimeMillis());
                accepted.incrementAndGet();
            } catch (WebhookVerificationException e) {
                status = 401;
            } catch (DuplicateInProgressException e) {
                status = 409;
            } catch (ProcessingDeferredException e) {
                status = 503;
            } catch (RuntimeException e) {
                status = 500;
            }
        } finally {
            busy.decrementAndGet();
        }
        statuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    /** How many requests got each status. */
    public Map<Integer, Long> statuses() {
        Map<Integer, Long> result = new java.util.TreeMap<>();
        statuses.forEach((k, v) -> result.put(k, v.get()));
        return result;
    }

    public long count(int status) {
        AtomicLong n = statuses.get(status);
        return n == null ? 0 : n.get();
    }

    @Override
    public Map<UUID, List<Long>> arrivals() {
        return arrivals;
    }

    @Override
    public long records() {
        return accepted.get();
    }

    @Override
    public boolean idle() {
        return busy.get() == 0;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
