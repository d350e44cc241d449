package dev.postbox.inbox.internal.store;

import java.util.UUID;

/**
 * A record this worker may now run: its fencing token and the number of the attempt it is about to make.
 */
public record Claim(UUID id, UUID token, int attempt, int maxAttempts, String handler, String arguments) {
}
