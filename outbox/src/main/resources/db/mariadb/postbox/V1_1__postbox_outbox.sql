-- Postbox outbox table for MariaDB 10.6+ (module postbox-outbox). PostgreSQL's is db/postbox/V1_1__postbox_outbox.sql.
--
-- Same columns as on PostgreSQL, in the layout of Debezium's Outbox Event Router; the types are chosen for what
-- Debezium's MySQL/MariaDB connectors emit from the binlog:
--   id                  CHAR(36), the UUID's text: arrives as the same string as PostgreSQL's uuid does, which the
--                       EventRouter copies into the message's `id` header and Postbox's relay parses (a BINARY(16)
--                       id would arrive as bytes, base64 in JSON, and every consumer would need to decode it)
--   payload, headers    JSON: in MariaDB an alias of LONGTEXT with a JSON_VALID check, so bad JSON is refused as
--                       on PostgreSQL; in the binlog it is a plain string, which the EventRouter expands with
--                       table.expand.json.payload=true, as for PostgreSQL's jsonb
--   timestamp           DATETIME(6) holding UTC (Postbox binds the UTC wall-clock time): the connectors read
--                       DATETIME as UTC epoch microseconds; TIMESTAMP would depend on the session's time zone and
--                       end in 2038 on MariaDB 10.11
--   tracingspancontext  W3C trace context in java.util.Properties form (Debezium's default tracing column)
-- utf8mb4 with a binary collation: any text, compared exactly as on PostgreSQL.
--
-- Run it with Flyway (locations=classpath:db/mariadb/postbox, a history table of its own such as
-- postbox_schema_history), with Liquibase (<sqlFile path="db/mariadb/postbox/V1_1__postbox_outbox.sql"/>), or by
-- hand. If you configure another table name (postbox.outbox.table), rename the table and its indexes here too.
CREATE TABLE IF NOT EXISTS outbox_event (
    id                 CHAR(36)     NOT NULL,
    aggregatetype      VARCHAR(255) NOT NULL,
    aggregateid        VARCHAR(255) NOT NULL,
    type               VARCHAR(255) NOT NULL,
    payload            JSON,
    `timestamp`        DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
    headers            JSON         NOT NULL DEFAULT '{}',
    tracingspancontext VARCHAR(512),
    CONSTRAINT outbox_event_pkey PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- History and audit queries: "everything that happened to order 42", newest first.
CREATE INDEX IF NOT EXISTS outbox_event_aggregate_idx ON outbox_event (aggregatetype, aggregateid, `timestamp`);
-- Retention and time-window queries.
CREATE INDEX IF NOT EXISTS outbox_event_timestamp_idx ON outbox_event (`timestamp`);
