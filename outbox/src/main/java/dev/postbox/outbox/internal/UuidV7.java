package dev.postbox.outbox.internal;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time-ordered UUIDs (RFC 9562 version 7): 48 bits of Unix milliseconds, then a 12-bit counter that keeps ids
 * generated in the same millisecond by this JVM increasing, then 62 random bits. Ordered ids keep the outbox
 * primary-key index compact and make "newest first" listings cheap.
 */
public final class UuidV7 {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** Packed (millis << 12 | counter) of the last id, so that ids never go backwards within this JVM. */
    private static final AtomicLong LAST = new AtomicLong();

    private UuidV7() {
    }

    public static UUID next() {
        long now = System.currentTimeMillis() << 12;
        long packed = LAST.updateAndGet(last -> Math.max(last + 1, now));
        long millis = packed >>> 12;
        long counter = packed & 0xFFF;
        long msb = (millis << 16) | 0x7000L | counter;
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
