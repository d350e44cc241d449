package dev.postbox.fault.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The check every scenario ends with: every committed outbox row reached the consumer (through Kafka, or as a webhook)
 * at least once, nothing else did, and the consumer's effect happened exactly once per committed event. Call it
 * after the producer stopped: the committed rows are read once, at the start.
 */
public final class Verdict {

    /** What a scenario delivered. */
    public record Figures(int committed, long records, long duplicates, int effects) {
    }

    private Verdict() {
    }

    /**
     * Waits (generously) until every committed event arrived and its effect is applied, then asserts.
     *
     * @param consumer what arrived: a Kafka consumer, or a webhook receiver
     * @param extra scenario-specific figures appended to the report line
     */
    public static Figures check(String scenario, FaultDatabase db, Delivered consumer, String extra) {
        Set<UUID> committed = awaitDelivered(db, consumer);

        Set<UUID> phantoms = new HashSet<>(consumer.arrivals().keySet());
        phantoms.removeAll(db.committedIds());
        assertThat(phantoms).as("events delivered whose transaction never committed").isEmpty();

        Map<UUID, Integer> effects = db.effects();
        Map<UUID, Integer> notOnce = effects.entrySet().stream().filter(e -> e.getValue() != 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(notOnce).as("events whose effect was applied more than once").isEmpty();
        assertThat(effects.keySet()).as("events with an effect").isEqualTo(committed);

        long records = consumer.records();
        long duplicates = records - consumer.arrivals().size();
        Figures f = new Figures(committed.size(), records, duplicates, effects.size());
        Report.figure(scenario, "committed " + f.committed() + " events; all arrived (" + records
                + " records, duplicates: " + duplicates + " of " + f.committed() + (consumer.redelivered() == 0 ? ""
                        : "; records redelivered to the consumer: " + consumer.redelivered()) + "); effects: "
                + f.effects() + ", each exactly once" + (extra == null || extra.isEmpty() ? "" : "; " + extra));
        return f;
    }

    /**
     * Waits (generously) until every committed event arrived and its effect is applied; asserts nothing else.
     *
     * @return the committed event ids
     */
    public static Set<UUID> awaitDelivered(FaultDatabase db, Delivered consumer) {
        Set<UUID> committed = db.committedIds();
        Await.until("every committed event delivered", () -> consumer.missing(committed).isEmpty(),
                () -> missingText(consumer.missing(committed), committed.size()));
        Await.until("an effect for every committed event", () -> consumer.idle()
                && db.effects().keySet().containsAll(committed),
                () -> "(effects for " + db.effects().size() + " of " + committed.size() + " events; consumer idle: "
                        + consumer.idle() + ")");
        return committed;
    }

    static String missingText(Set<UUID> missing, int committed) {
        List<UUID> sample = missing.stream().limit(5).toList();
        return "(" + missing.size() + " of " + committed + " committed events never arrived, e.g. " + sample + ")";
    }
}
