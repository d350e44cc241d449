package dev.postbox.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Fixed vectors of the shard function. They were computed outside Java (a bitwise CRC-32C in Python over
 * {@code type.encode() + b"\x00" + id.encode()}); a change of any of them breaks every sharded outbox.
 */
class OutboxShardsTest {

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource(delimiter = '|', emptyValue = "", textBlock = """
            Order    | o-1        | 3829740380 | 2 | 0 | 12 | 380
            Order    | o-2        | 4145397928 | 1 | 0 |  8 | 928
            Account  | 42         | 2978470292 | 2 | 0 |  4 | 292
            ''       | ''         | 1383945041 | 2 | 1 |  1 |  41
            ab       | c          | 4068074309 | 2 | 1 |  5 | 309
            a        | bc         | 1022287725 | 0 | 1 | 13 | 725
            Zahlung  | Größe-€-😀 | 2904302199 | 0 | 3 |  7 | 199
            Customer | c-1        | 4053975953 | 2 | 1 |  1 | 953
            """)
    void fixedVectors(String type, String id, long hash, int of3, int of4, int of16, int of1000) {
        assertThat(OutboxShards.hash(type, id)).isEqualTo(hash);
        assertThat(OutboxShards.shardOf(type, id, 1)).isZero();
        assertThat(OutboxShards.shardOf(type, id, 3)).isEqualTo(of3);
        assertThat(OutboxShards.shardOf(type, id, 4)).isEqualTo(of4);
        assertThat(OutboxShards.shardOf(type, id, 16)).isEqualTo(of16);
        assertThat(OutboxShards.shardOf(type, id, 1000)).isEqualTo(of1000);
    }

    @Test
    void theSeparatorKeepsTypeAndIdApart() {
        assertThat(OutboxShards.hash("ab", "c")).isNotEqualTo(OutboxShards.hash("a", "bc"));
    }

    @Test
    void hashesAboveTwoToTheThirtyOneAreTakenUnsigned() {
        // 0xE445335C: as a signed int it is negative, and a signed modulo would give a negative shard
        assertThat(OutboxShards.hash("Order", "o-1")).isEqualTo(0xE445335CL);
        assertThat(OutboxShards.shardOf("Order", "o-1", 7)).isEqualTo(4);
        assertThat((int) OutboxShards.hash("Order", "o-1")).isNegative();
    }

    @Test
    void twoHundredAggregatesSpreadOverFourShards() {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int a = 0; a < 200; a++) {
            counts.merge(OutboxShards.shardOf("Account", "a-" + a, 4), 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys(0, 1, 2, 3);
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(30, 70));
    }

    @Test
    void refusesNoShardsAndNulls() {
        assertThatThrownBy(() -> OutboxShards.shardOf("Order", "o-1", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1, was 0");
        assertThatThrownBy(() -> OutboxShards.shardOf(null, "o-1", 4)).hasMessageContaining("aggregateType");
        assertThatThrownBy(() -> OutboxShards.shardOf("Order", null, 4)).hasMessageContaining("aggregateId");
    }
}
