package dev.postbox.demo.payments.gateway;

import dev.postbox.demo.payments.account.AccountService;
import dev.postbox.outbox.OutboxEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.StringReader;
import java.time.Instant;
import java.util.logging.Logger;

/**
 * Applies one {@code payment.succeeded} webhook: a payment row and a credit of the account (which raises
 * {@code PaymentCaptured}). Runs as the inbox handler of scope {@code gateway}, inside the inbox's transaction,
 * so it runs once per {@code webhook-id} however often the gateway delivers it.
 */
@ApplicationScoped
public class PaymentApplier {

    private static final Logger LOG = Logger.getLogger(PaymentApplier.class.getName());
    private static final JsonProvider JSON = JsonProvider.provider();

    @PersistenceContext(unitName = "payments")
    EntityManager em;

    @Inject
    AccountService accounts;

    @Transactional
    public AppliedPayment apply(String payloadJson) {
        JsonObject webhook;
        try (JsonReader reader = JSON.createReader(new StringReader(payloadJson))) {
            webhook = reader.readObject();
        }
        String type = webhook.getString("type", "");
        if (!type.equals("payment.succeeded")) {
            throw new IllegalArgumentException("unsupported webhook type '" + type + "'");
        }
        JsonObject data = webhook.getJsonObject("data");
        String paymentId = data.getString("paymentId");
        String accountId = data.getString("accountId");
        long amount = data.getJsonNumber("amount").longValueExact();
        Instant created = Instant.parse(data.getString("createdAt"));
        em.persist(new Payment(paymentId, accountId, amount, created, Instant.now()));
        OutboxEvent event = accounts.creditPayment(accountId, paymentId, amount);
        LOG.fine(() -> "Applied payment " + paymentId + " (" + amount + " to " + accountId + "), event " + event.id());
        return new AppliedPayment(paymentId, accountId, amount, event.id().toString());
    }

    /** The stored answer of a webhook: duplicates get it again. */
    public record AppliedPayment(String paymentId, String accountId, long amount, String eventId) {
    }
}
