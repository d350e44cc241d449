-- Postbox outbox table for PostgreSQL (module postbox-outbox).
--
-- Columns follow the layout of Debezium's Outbox Event Router, so the relay can later move to Kafka Connect or
-- Debezium Server without a schema change:
--   id, aggregatetype, aggregateid, type, payload, timestamp      as the EventRouter expects them
--   headers             extra message headers (JSON object of string values), e.g. traceparent
--   tracingspancontext  W3C trace context in java.util.Properties form (Debezium's default tracing column)
--
-- Run it with Flyway (locations=classpath:db/postbox, a history table of its own such as
-- postbox_schema_history), with Liquibase (<sqlFile path="db/postbox/V1_1__postbox_outbox.sql"/>), or by hand.
-- If you configure another table name (postbox.outbox.table), rename the table and its indexes here too.
CREATE TABLE IF NOT EXISTS outbox_event (
    id                 uuid         NOT NULL,
    aggregatetype      varchar(255) NOT NULL,
    aggregateid        varchar(255) NOT NULL,
    type               varchar(255) NOT NULL,
    payload            jsonb,
    "timestamp"        timestamptz  NOT NULL DEFAULT now(),
    headers            jsonb        NOT NULL DEFAULT '{}'::jsonb,
    tracingspancontext varchar(512),
    CONSTRAINT outbox_event_pkey PRIMARY KEY (id)
);

-- History and audit queries: "everything that happened to order 42", newest first.
CREATE INDEX IF NOT EXISTS outbox_event_aggregate_idx ON outbox_event (aggregatetype, aggregateid, "timestamp");
-- Retention and time-window queries.
CREATE INDEX IF NOT EXISTS outbox_event_timestamp_idx ON outbox_event ("timestamp");
