-- Postbox relay tables for PostgreSQL (module postbox-debezium). Create them in the schema of the outbox table.
--
-- Run it with Flyway (locations=classpath:db/postbox), Liquibase (<sqlFile path="db/postbox/V1_3__postbox_relay.sql"/>)
-- or by hand. If you configure other names (postbox.relay.offset-table, parked-table, heartbeat-table), rename here.
--
-- The relay's database user also needs the REPLICATION attribute, and must own the outbox and heartbeat tables
-- for the relay to create its publication (publication.autocreate.mode=filtered); otherwise create it yourself:
--   CREATE PUBLICATION postbox_relay FOR TABLE outbox_event, postbox_relay_heartbeat;

-- Debezium's offsets (io.debezium.storage.jdbc.offset.JdbcOffsetBackingStore layout). Several relays (slots) may
-- share it: each reads and rewrites only the rows whose offset_key starts with its own name.
CREATE TABLE IF NOT EXISTS postbox_relay_offset (
    id                VARCHAR(36)   NOT NULL,
    offset_key        VARCHAR(1255),
    offset_val        VARCHAR(1255),
    record_insert_ts  TIMESTAMP     NOT NULL,
    record_insert_seq INTEGER       NOT NULL,
    CONSTRAINT postbox_relay_offset_pkey PRIMARY KEY (id)
);

-- Dead letters. PARKED: a poison event (its sink kept rejecting it while other events went through, or rejected it
-- permanently). WAITING: later events of the same aggregate, held back so order per aggregate holds. A replay
-- re-sends them in seq order and deletes them.
CREATE TABLE IF NOT EXISTS postbox_relay_parked (
    seq                 BIGSERIAL    NOT NULL,
    relay               VARCHAR(63)  NOT NULL,
    status              VARCHAR(16)  NOT NULL,
    event_id            UUID         NOT NULL,
    aggregatetype       VARCHAR(255) NOT NULL,
    aggregateid         VARCHAR(255) NOT NULL,
    type                VARCHAR(255) NOT NULL,
    payload             JSONB,
    "timestamp"         TIMESTAMPTZ  NOT NULL,
    headers             JSONB        NOT NULL DEFAULT '{}'::jsonb,
    source_position     VARCHAR(255),
    attempts            INTEGER      NOT NULL DEFAULT 0,
    last_error          TEXT,
    first_failed_at     TIMESTAMPTZ,
    parked_at           TIMESTAMPTZ  NOT NULL DEFAULT now(),
    replay_requested_at TIMESTAMPTZ,
    CONSTRAINT postbox_relay_parked_pkey PRIMARY KEY (seq),
    CONSTRAINT postbox_relay_parked_event_uq UNIQUE (relay, event_id),
    CONSTRAINT postbox_relay_parked_status_ck CHECK (status IN ('PARKED', 'WAITING'))
);
CREATE INDEX IF NOT EXISTS postbox_relay_parked_aggregate_idx
    ON postbox_relay_parked (relay, aggregatetype, aggregateid, seq);

-- Heartbeats: the relay upserts its row every postbox.relay.heartbeat-interval, so the slot's position advances
-- (and the server frees WAL) even when the outbox is idle. The table is in the relay's publication.
CREATE TABLE IF NOT EXISTS postbox_relay_heartbeat (
    relay   VARCHAR(63) NOT NULL,
    beat_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT postbox_relay_heartbeat_pkey PRIMARY KEY (relay)
);
