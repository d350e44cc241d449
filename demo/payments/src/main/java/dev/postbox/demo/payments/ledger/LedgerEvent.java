package dev.postbox.demo.payments.ledger;

/**
 * An outbox event as a consumer receives it from Kafka: {@code id} and {@code type} from the record headers
 * (the outbox row's id: the deduplication key), the rest from the payload. Stored by the inbox as the
 * argument of deferred retries, so it must stay JSON-B friendly.
 */
public record LedgerEvent(String id, String type, String accountId, long amount, String reference) {
}
