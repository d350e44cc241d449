package dev.postbox.demo.payments.audit;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Outbox rows with what became of them. The outbox table itself has no status (the relay reads the database log,
 * not the table), so the status shown is derived, honestly labelled:
 * <ul>
 *   <li>{@code PARKED} / {@code WAITING}: the row is in the relay's dead-letter table;</li>
 *   <li>{@code DELIVERED}: a consumer of this service has an inbox record for the event id (so Kafka delivered
 *       it); the consumer's own status (COMPLETED, FAILED, DEAD ...) is shown next to it;</li>
 *   <li>{@code IN_FLIGHT}: neither yet (not relayed yet, or relayed and not consumed yet).</li>
 * </ul>
 */
@ApplicationScoped
public class OutboxAudit {

    /** The inbox scopes that consume outbox events (see EventConsumer). */
    private static final String CONSUMER_SCOPES = "('ledger', 'compliance')";

    private static final String QUERY = """
            with rows as (
              select o.id, o.aggregatetype, o.aggregateid, o.type, o.payload::text as payload, o."timestamp",
                     p.status as relay_status, p.attempts as relay_attempts, p.last_error as relay_error,
                     p.parked_at, p.replay_requested_at,
                     i.id as inbox_id, i.scope as inbox_scope, i.status as inbox_status, i.attempts as inbox_attempts,
                     i.last_error as inbox_error,
                     case when p.status is not null then p.status
                          when i.id is not null then 'DELIVERED'
                          else 'IN_FLIGHT' end as status
                from outbox_event o
                left join postbox_relay_parked p on p.event_id = o.id
                left join postbox_inbox i on i.idempotency_key = o.id::text and i.scope in %s
            )
            select * from rows
             where (? is null or status = ?)
               and (? is null or type = ? or aggregatetype = ?)
             order by "timestamp" desc, id desc
             limit ?
            """.formatted(CONSUMER_SCOPES);

    @Resource(lookup = "java:app/jdbc/payments")
    DataSource dataSource;

    public List<OutboxRow> list(String status, String type, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(QUERY)) {
            s.setString(1, blankToNull(status));
            s.setString(2, blankToNull(status));
            s.setString(3, blankToNull(type));
            s.setString(4, blankToNull(type));
            s.setString(5, blankToNull(type));
            s.setInt(6, limit);
            List<OutboxRow> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new OutboxRow(rs.getString("id"), rs.getString("aggregatetype"),
                            rs.getString("aggregateid"), rs.getString("type"), rs.getString("payload"),
                            instant(rs.getTimestamp("timestamp")), rs.getString("status"),
                            rs.getString("relay_status"), (Integer) rs.getObject("relay_attempts"),
                            rs.getString("relay_error"), instant(rs.getTimestamp("parked_at")),
                            instant(rs.getTimestamp("replay_requested_at")), rs.getString("inbox_id"),
                            rs.getString("inbox_scope"), rs.getString("inbox_status"),
                            (Integer) rs.getObject("inbox_attempts"), rs.getString("inbox_error")));
                }
            }
            return rows;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /** One outbox row, its relay dead-letter state (if any) and its consumer's inbox record (if any). */
    public record OutboxRow(String id, String aggregateType, String aggregateId, String type, String payload,
            Instant timestamp, String status, String relayStatus, Integer relayAttempts, String relayError,
            Instant parkedAt, Instant replayRequestedAt, String inboxId, String consumer, String consumerStatus,
            Integer consumerAttempts, String consumerError) {
    }
}
