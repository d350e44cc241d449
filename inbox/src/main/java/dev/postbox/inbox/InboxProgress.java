package dev.postbox.inbox;

import java.time.Instant;

/**
 * How far the long job of an inbox record got, as last recorded through {@link Steps#progress} and
 * {@link Steps#saveCursor}.
 *
 * @param done units done, or null when only a cursor was saved
 * @param total units in all, or null when only a cursor was saved
 * @param cursor the saved cursor, or null
 * @param attempt the attempt that recorded it
 * @param updatedAt when it was last recorded (database clock)
 */
public record InboxProgress(Long done, Long total, String cursor, int attempt, Instant updatedAt) {
}
