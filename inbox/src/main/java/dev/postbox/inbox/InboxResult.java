package dev.postbox.inbox;

import java.util.UUID;

/**
 * What {@link Inbox#process} and {@link Inbox#processWebhook} answer.
 *
 * @param value the handler's result: this call's own, or the stored one of an earlier delivery converted to the
 *     requested type; null when the handler returned null (or {@code void})
 * @param replayed true when the handler did not run for this call and {@code value} is the stored result of an
 *     earlier delivery with the same key and payload (a duplicate); false when the handler ran now
 * @param recordId the id of the key's inbox record, for {@link InboxHistory#find(UUID)}
 * @param <R> the requested result type
 */
public record InboxResult<R>(R value, boolean replayed, UUID recordId) {
}
