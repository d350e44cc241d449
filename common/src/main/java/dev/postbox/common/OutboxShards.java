package dev.postbox.common;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The shard of an outbox event: which of {@code N} outbox tables (and relays) carries the events of one aggregate.
 * Every Postbox version and the Kafka Connect plugin compute it the same way, so that all events of an aggregate
 * land in one shard and keep their order.
 *
 * <p>The function, byte for byte:
 * <ol>
 *   <li>{@code bytes = UTF-8(aggregateType) ‖ 0x00 ‖ UTF-8(aggregateId)} (the Java strings encoded with
 *       {@link StandardCharsets#UTF_8}; a lone surrogate becomes {@code '?'} as that encoder does). PostgreSQL text
 *       cannot contain the byte 0x00, so the separator makes the encoding unambiguous: ({@code "ab"}, {@code "c"})
 *       and ({@code "a"}, {@code "bc"}) differ.</li>
 *   <li>{@code h = CRC-32C(bytes)}: the Castagnoli CRC (polynomial 0x1EDC6F41, reflected 0x82F63B78, initial value
 *       0xFFFFFFFF, final XOR 0xFFFFFFFF; check value of {@code "123456789"} is 0xE3069283), as
 *       {@link CRC32C} computes it, taken as an <b>unsigned</b> 32-bit number (0 to 2<sup>32</sup>-1).</li>
 *   <li>{@code shard = h mod N}, computed on the unsigned value, so the result lies in {@code [0, N)}.</li>
 * </ol>
 * CRC-32C is in the JDK ({@code java.util.zip.CRC32C}), in most languages' standard or common libraries, and in
 * hardware (SSE 4.2, ARMv8), and needs no dependency. The fixed vectors in {@code OutboxShardsTest} pin it: a
 * change of any of them is a breaking change of the outbox's layout.
 */
public final class OutboxShards {

    private OutboxShards() {
    }

    /**
     * @param aggregateType the event's aggregate type (column {@code aggregatetype}), not null
     * @param aggregateId the event's aggregate id (column {@code aggregateid}), not null
     * @param shards the number of shards, at least 1
     * @return the shard, from 0 to {@code shards - 1}
     */
    public static int shardOf(String aggregateType, String aggregateId, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("the number of outbox shards must be at least 1, was " + shards);
        }
        return (int) (hash(aggregateType, aggregateId) % shards);
    }

    /** Step 1 and 2 above: the unsigned CRC-32C of the aggregate's bytes, from 0 to 2<sup>32</sup>-1. */
    public static long hash(String aggregateType, String aggregateId) {
        Objects.requireNonNull(aggregateType, "aggregateType");
        Objects.requireNonNull(aggregateId, "aggregateId");
        CRC32C crc = new CRC32C();
        crc.update(aggregateType.getBytes(StandardCharsets.UTF_8));
        crc.update(0);
        crc.update(aggregateId.getBytes(StandardCharsets.UTF_8));
        return crc.getValue(); // already unsigned: a long in [0, 2^32)
    }
}
