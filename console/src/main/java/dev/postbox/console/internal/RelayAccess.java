package dev.postbox.console.internal;

import dev.postbox.common.internal.config.ConfigReader;
import dev.postbox.common.internal.config.ConfigSource;
import dev.postbox.relay.OutboxRelay;
import dev.postbox.relay.ParkedEvent;
import dev.postbox.relay.RelaySample;
import dev.postbox.relay.RelayStatus;
import dev.postbox.relay.internal.RelayKeys;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.CDI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Everything the console asks the relay, in one class: the relay module is an optional dependency, so no other
 * console class names a relay type, and this one is only touched after {@link #present()} said the classes exist.
 */
final class RelayAccess {

    private static final Logger LOG = Logger.getLogger(RelayAccess.class.getName());
    private static final String RELAY_CLASS = "dev.postbox.relay.OutboxRelay";

    private RelayAccess() {
    }

    /** True when the relay module is on the class path. */
    static boolean present() {
        try {
            Class.forName(RELAY_CLASS, false, RelayAccess.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** {@code postbox.relay.parked-table}, read with the relay's own declaration, when the relay is present. */
    static Optional<String> parkedTable(ConfigSource source) {
        if (!present()) {
            return Optional.empty();
        }
        return Optional.of(ConfigReader.of(RelayKeys.ALL, source).get(RelayKeys.PARKED_TABLE));
    }

    /** The relay bean of this application, or empty when there is none (module absent, or relay disabled). */
    static Optional<Relay> current() {
        if (!present()) {
            return Optional.empty();
        }
        try {
            Instance<OutboxRelay> instance = CDI.current().select(OutboxRelay.class);
            if (!instance.isResolvable()) {
                return Optional.empty();
            }
            OutboxRelay relay = instance.get();
            relay.status(); // a disabled relay's producer fails here
            return Optional.of(new Relay(relay));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "no outbox relay in this application", e);
            return Optional.empty();
        }
    }

    /** The relay's state with its parked events, in the console's JSON shape. */
    public record RelayView(String state, Instant since, String slot, boolean sinkOutage, long inFlight,
            long eventsRelayed, long retries, long parkedSinceStart, long waitingSinceStart, String lastError,
            Long slotLagBytes, long deadLetters, List<ParkedView> parked) {
    }

    /** One parked or waiting event (the payload is left out: it is shown with the outbox event). */
    public record ParkedView(long sequence, String eventId, String aggregateType, String aggregateId, String type,
            String status, int attempts, String lastError, Instant firstFailedAt, Instant parkedAt,
            Instant replayRequestedAt) {
    }

    /**
     * The relay's last hour ({@code GET api/relay/history}): one entry per sample, oldest first.
     *
     * @param state the relay's state now ({@code ABSENT} without a relay)
     * @param samples throughput and slot lag per sample
     */
    public record RelayHistory(String state, List<SampleView> samples) {
    }

    /**
     * One sample: {@code eventsRelayed} during the {@code periodMillis} before {@code at}, and the slot lag then
     * ({@code -1} unknown).
     */
    public record SampleView(Instant at, long periodMillis, long eventsRelayed, long slotLagBytes) {
    }

    /** A handle on the relay bean. */
    static final class Relay {
        private final OutboxRelay relay;

        private Relay(OutboxRelay relay) {
            this.relay = relay;
        }

        /** A handle on {@code relay} (tests give their own). */
        static Relay of(OutboxRelay relay) {
            return new Relay(relay);
        }

        RelayHistory history() {
            List<SampleView> samples = relay.history().stream().map(Relay::sample).toList();
            return new RelayHistory(relay.status().state().name(), samples);
        }

        private static SampleView sample(RelaySample s) {
            return new SampleView(s.at(), s.period().toMillis(), s.eventsRelayed(), s.slotLagBytes());
        }

        RelayView view(int limit) {
            RelayStatus s = relay.status();
            Long lag;
            try {
                lag = relay.slotLagBytes();
            } catch (RuntimeException e) {
                lag = null;
            }
            List<ParkedView> parked = relay.parkedEvents().list(limit).stream().map(Relay::parked).toList();
            return new RelayView(s.state().name(), s.since(), s.slotName(), s.sinkOutage(), s.inFlight(),
                    s.eventsRelayed(), s.retries(), s.parked(), s.waiting(), s.lastError(), lag,
                    relay.parkedEvents().count(), parked);
        }

        /** Requests a replay of a parked (poison) event; false when no parked event has this id. */
        boolean replay(UUID eventId) {
            return relay.parkedEvents().replay(eventId);
        }

        private static ParkedView parked(ParkedEvent p) {
            return new ParkedView(p.sequence(), p.event().id().toString(), p.event().aggregateType(),
                    p.event().aggregateId(), p.event().type(), p.status().name(), p.attempts(), p.lastError(),
                    p.firstFailedAt(), p.parkedAt(), p.replayRequestedAt());
        }
    }
}
