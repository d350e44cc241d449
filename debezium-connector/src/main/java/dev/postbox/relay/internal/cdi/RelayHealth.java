package dev.postbox.relay.internal.cdi;

import dev.postbox.relay.RelayStatus;
import dev.postbox.relay.internal.DefaultOutboxRelay;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * The health responses of the readiness and liveness checks. Built with the public constructor rather than the
 * builder, so no server-side HealthCheckResponseProvider is needed.
 */
final class RelayHealth {

    static final String NAME = "postbox-relay";

    private RelayHealth() {
    }

    /**
     * Readiness: DOWN when the relay FAILED, or when the slot retains more WAL than
     * {@code postbox.relay.health.max-lag-bytes} (if set). STANDBY is UP: another instance relays.
     */
    static HealthCheckResponse readiness(DefaultOutboxRelay relay) {
        RelayStatus s = relay.status();
        long lag = relay.slotLagBytes();
        long max = relay.config().maxLagBytes();
        boolean up = s.state() != RelayStatus.State.FAILED && (max <= 0 || lag <= max);
        Map<String, Object> data = data(s);
        data.put("slotLagBytes", lag);
        return response(up, data);
    }

    /**
     * Liveness: DOWN only when the relay has been FAILED (restarting without success) for longer than ten restart
     * intervals and at least a minute, so an orchestrator may restart the application as a last resort.
     */
    static HealthCheckResponse liveness(DefaultOutboxRelay relay) {
        RelayStatus s = relay.status();
        Duration grace = relay.config().intervals().standbyRetry().multipliedBy(10);
        if (grace.compareTo(Duration.ofMinutes(1)) < 0) {
            grace = Duration.ofMinutes(1);
        }
        boolean stuck = s.state() == RelayStatus.State.FAILED && s.since().plus(grace).isBefore(Instant.now());
        return response(!stuck, data(s));
    }

    static HealthCheckResponse disabled() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("state", "DISABLED");
        return response(true, data);
    }

    private static HealthCheckResponse response(boolean up, Map<String, Object> data) {
        return new HealthCheckResponse(NAME, up ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN,
                Optional.of(data));
    }

    private static Map<String, Object> data(RelayStatus s) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("state", s.state().name());
        data.put("since", s.since().toString());
        data.put("slot", s.slotName());
        data.put("sinkOutage", s.sinkOutage());
        data.put("inFlight", s.inFlight());
        data.put("eventsRelayed", s.eventsRelayed());
        data.put("parked", s.parked());
        if (s.lastError() != null) {
            data.put("lastError", s.lastError());
        }
        return data;
    }
}
