package dev.postbox.demo.payments.audit;

import dev.postbox.inbox.InboxHistory;
import dev.postbox.inbox.InboxRecord;
import dev.postbox.inbox.InboxStatus;
import dev.postbox.relay.OutboxRelay;
import dev.postbox.relay.ParkedEvent;
import dev.postbox.relay.RelayStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * {@code /api/audit}: what operators look at (the page {@code /payments/} is a thin view of it).
 * <ul>
 *   <li>{@code GET inbox?status=DEAD&scope=ledger&limit=100}: inbox records with attempts, last error, history</li>
 *   <li>{@code POST inbox/{id}/replay}: a dead record gets a new budget of attempts</li>
 *   <li>{@code GET outbox?status=PARKED&type=DepositReceived&limit=100}: outbox rows and what became of them</li>
 *   <li>{@code GET relay}: relay state, counters, slot lag, parked and waiting events</li>
 *   <li>{@code POST relay/parked/{eventId}/replay}: re-send a parked event and those waiting behind it</li>
 * </ul>
 */
@ApplicationScoped
@Path("audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    private static final Logger LOG = Logger.getLogger(AuditResource.class.getName());

    @Inject
    InboxHistory inbox;

    @Inject
    OutboxRelay relay;

    @Inject
    OutboxAudit outbox;

    @GET
    @Path("inbox")
    public List<InboxRecord> inbox(@QueryParam("status") String status, @QueryParam("scope") String scope,
            @QueryParam("limit") @DefaultValue("200") int limit) {
        InboxHistory.Filter filter = InboxHistory.Filter.all().limit(clamp(limit));
        if (scope != null && !scope.isBlank()) {
            filter = filter.scope(scope.trim());
        }
        Set<InboxStatus> statuses = statuses(status);
        if (!statuses.isEmpty()) {
            filter = new InboxHistory.Filter(filter.scope(), statuses, null, null, filter.limit());
        }
        return inbox.list(filter);
    }

    @POST
    @Path("inbox/{id}/replay")
    public InboxRecord replayInbox(@PathParam("id") String id) {
        UUID uuid = uuid(id);
        try {
            InboxRecord replayed = inbox.replay(uuid);
            LOG.info("Operator replayed inbox record " + id + " (scope " + replayed.scope() + ", key "
                    + replayed.key() + "): now " + replayed.status());
            return replayed;
        } catch (NoSuchElementException e) {
            throw new NotFoundException("no inbox record " + id);
        } catch (IllegalStateException e) {
            throw new WebApplicationException(e.getMessage(), Response.Status.CONFLICT);
        }
    }

    @GET
    @Path("outbox")
    public List<OutboxAudit.OutboxRow> outbox(@QueryParam("status") String status, @QueryParam("type") String type,
            @QueryParam("limit") @DefaultValue("200") int limit) throws SQLException {
        return outbox.list(status, type, clamp(limit));
    }

    @GET
    @Path("relay")
    public RelayView relay(@QueryParam("limit") @DefaultValue("200") int limit) {
        RelayStatus s = relay.status();
        List<ParkedView> parked = relay.parkedEvents().list(clamp(limit)).stream().map(ParkedView::of).toList();
        return new RelayView(s.state().name(), s.since(), s.slotName(), s.sinkOutage(), s.inFlight(),
                s.eventsRelayed(), s.retries(), s.parked(), s.waiting(), s.lastError(), relay.slotLagBytes(),
                parked);
    }

    @POST
    @Path("relay/parked/{eventId}/replay")
    public Response replayParked(@PathParam("eventId") String eventId) {
        if (!relay.parkedEvents().replay(uuid(eventId))) {
            throw new NotFoundException("no parked event " + eventId + " (waiting events are replayed with the"
                    + " parked event of their aggregate)");
        }
        LOG.info("Operator requested a replay of parked event " + eventId);
        return Response.accepted(Map.of("eventId", eventId, "replayRequested", true)).build();
    }

    private static Set<InboxStatus> statuses(String status) {
        if (status == null || status.isBlank()) {
            return Set.of();
        }
        Set<InboxStatus> set = EnumSet.noneOf(InboxStatus.class);
        for (String s : status.split(",")) {
            try {
                set.add(InboxStatus.valueOf(s.trim().toUpperCase()));
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("unknown status '" + s + "', expected one of "
                        + EnumSet.allOf(InboxStatus.class));
            }
        }
        return set;
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("not a UUID: " + id);
        }
    }

    private static int clamp(int limit) {
        return Math.max(1, Math.min(1000, limit));
    }

    public record RelayView(String state, Instant since, String slot, boolean sinkOutage, long inFlight,
            long eventsRelayed, long retries, long parkedSinceStart, long waitingSinceStart, String lastError,
            long slotLagBytes, List<ParkedView> parked) {
    }

    public record ParkedView(long sequence, String eventId, String aggregateType, String aggregateId, String type,
            String status, int attempts, String lastError, Instant firstFailedAt, Instant parkedAt,
            Instant replayRequestedAt) {
        static ParkedView of(ParkedEvent p) {
            return new ParkedView(p.sequence(), p.event().id().toString(), p.event().aggregateType(),
                    p.event().aggregateId(), p.event().type(), p.status().name(), p.attempts(), p.lastError(),
                    p.firstFailedAt(), p.parkedAt(), p.replayRequestedAt());
        }
    }
}
