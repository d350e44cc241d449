package dev.postbox.demo.launcher;

import dev.postbox.common.StandardWebhooks;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A payment gateway that behaves like real ones: it signs every delivery with Standard Webhooks, delivers some
 * webhooks more than once (same {@code webhook-id}, new timestamp and signature, as a resend after a lost answer
 * looks), delivers them out of order, several at a time, and re-sends a delivery that was answered 409 (the
 * service was still processing the first copy).
 */
final class PaymentGateway {

    private static final Logger LOG = Logger.getLogger(PaymentGateway.class.getName());
    private static final int SENDERS = 4;
    private static final int MAX_RESENDS_AFTER_409 = 20;

    private final ServiceClient service;
    private final StandardWebhooks signer;
    private final Random random;

    PaymentGateway(ServiceClient service, String secret, Random random) {
        this.service = service;
        this.signer = StandardWebhooks.withSecrets(secret);
        this.random = random;
    }

    /** One captured card payment. */
    record GatewayPayment(int sequence, String id, String accountId, long amount, Instant createdAt) {
    }

    /**
     * @param payments distinct payments
     * @param deliveries webhook deliveries planned (payments + duplicates)
     * @param duplicates deliveries of a webhook-id that was delivered before
     * @param reordered payments whose first delivery went out after that of a payment created later
     * @param requests HTTP requests made (deliveries + re-sends after 409)
     * @param resentAfter409 re-sends after a 409 answer
     * @param answers HTTP status of the final answer per delivery
     * @param failed deliveries that ended with a status other than 2xx
     */
    record Result(List<GatewayPayment> payments, int deliveries, int duplicates, int reordered, int requests,
            int resentAfter409, Map<Integer, Integer> answers, int failed) {

        long amountFor(String accountId) {
            return payments.stream().filter(p -> p.accountId().equals(accountId)).mapToLong(GatewayPayment::amount)
                    .sum();
        }
    }

    Result run(List<String> accounts, int paymentCount, int duplicateCount, int swaps) throws Exception {
        List<GatewayPayment> payments = new ArrayList<>();
        Instant t = Instant.now().minusSeconds(60);
        for (int i = 1; i <= paymentCount; i++) {
            payments.add(new GatewayPayment(i, String.format("pay_%04d", i),
                    accounts.get(random.nextInt(accounts.size())), 100 * (5 + random.nextInt(246)),
                    t.plusMillis(1000L * i)));
        }
        // first deliveries in creation order, then some neighbours swapped: the webhooks arrive out of order
        List<GatewayPayment> order = new ArrayList<>(payments);
        for (int i = 0; i < swaps && order.size() > 1; i++) {
            int k = random.nextInt(order.size() - 1);
            Collections.swap(order, k, k + 1);
        }
        int reordered = 0;
        int latestSeen = 0;
        for (GatewayPayment p : order) {
            if (p.sequence() < latestSeen) {
                reordered++;
            }
            latestSeen = Math.max(latestSeen, p.sequence());
        }
        // duplicates: a second (or third) copy somewhere after the first, sometimes right behind it
        List<GatewayPayment> deliveries = new ArrayList<>(order);
        for (int i = 0; i < duplicateCount; i++) {
            GatewayPayment p = payments.get(random.nextInt(payments.size()));
            int first = deliveries.indexOf(p);
            int at = random.nextInt(3) == 0 ? first + 1 : first + 1 + random.nextInt(deliveries.size() - first);
            deliveries.add(Math.min(at, deliveries.size()), p);
        }

        AtomicInteger requests = new AtomicInteger();
        AtomicInteger resent = new AtomicInteger();
        Map<Integer, Integer> answers = new HashMap<>();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (GatewayPayment p : deliveries) {
                results.add(senders.submit(() -> deliver(p, requests, resent)));
            }
            for (Future<Integer> f : results) {
                answers.merge(f.get(), 1, Integer::sum);
            }
        } finally {
            senders.shutdownNow();
        }
        int failed = answers.entrySet().stream().filter(e -> e.getKey() < 200 || e.getKey() > 299)
                .mapToInt(Map.Entry::getValue).sum();
        return new Result(payments, deliveries.size(), deliveries.size() - payments.size(), reordered,
                requests.get(), resent.get(), answers, failed);
    }

    private int deliver(GatewayPayment p, AtomicInteger requests, AtomicInteger resent) throws InterruptedException {
        byte[] body = Json.object()
                .add("type", "payment.succeeded")
                .add("data", Json.object()
                        .add("paymentId", p.id())
                        .add("accountId", p.accountId())
                        .add("amount", p.amount())
                        .add("createdAt", p.createdAt().toString()))
                .build().toString().getBytes(StandardCharsets.UTF_8);
        String webhookId = "msg_" + p.id();
        for (int attempt = 0; ; attempt++) {
            requests.incrementAndGet();
            ServiceClient.Answer answer = service.post("webhooks/gateway", body,
                    signer.headers(webhookId, Instant.now(), body));
            if (answer.status() != 409 || attempt >= MAX_RESENDS_AFTER_409) {
                if (answer.status() >= 300) {
                    LOG.warning("Webhook " + webhookId + " answered " + answer.status() + ": " + answer.body());
                }
                return answer.status();
            }
            resent.incrementAndGet();
            Thread.sleep(200);
        }
    }
}
