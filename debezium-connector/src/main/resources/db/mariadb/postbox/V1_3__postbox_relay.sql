-- Postbox relay tables for MariaDB 10.6+ (module postbox-debezium). Create them in the database of the outbox table.
--
-- Run it with Flyway (locations=classpath:db/mariadb/postbox), Liquibase
-- (<sqlFile path="db/mariadb/postbox/V1_3__postbox_relay.sql"/>) or by hand. If you configure other names
-- (postbox.relay.offset-table, parked-table, heartbeat-table, schema-history-table), rename here.
--
-- The server needs the binary log on: log_bin, binlog_format=ROW, binlog_row_image=FULL, a server_id. The relay's
-- user needs, besides access to these tables and SELECT on the outbox table:
--   GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'relay'@'%';
-- Timestamps are DATETIME(6) holding UTC, as in the outbox table.

-- Debezium's offsets (io.debezium.storage.jdbc.offset.JdbcOffsetBackingStore layout). Several relays may share it:
-- each reads and rewrites only the rows whose offset_key starts with its own name.
CREATE TABLE IF NOT EXISTS postbox_relay_offset (
    id                VARCHAR(36)   NOT NULL,
    offset_key        VARCHAR(1255),
    offset_val        VARCHAR(1255),
    record_insert_ts  TIMESTAMP(6)  NOT NULL,
    record_insert_seq INTEGER       NOT NULL,
    CONSTRAINT postbox_relay_offset_pkey PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Debezium's schema history (io.debezium.storage.jdbc.history.JdbcSchemaHistory layout, MEDIUMTEXT instead of the
-- built-in VARCHAR(65000), which does not fit a utf8mb4 row): the binlog connector needs the outbox table's schema
-- as of each binlog position. One table per relay (slot name).
CREATE TABLE IF NOT EXISTS postbox_relay_schema_history (
    id                VARCHAR(36)   NOT NULL,
    history_data      MEDIUMTEXT,
    history_data_seq  INTEGER       NOT NULL,
    record_insert_ts  TIMESTAMP(6)  NOT NULL,
    record_insert_seq INTEGER       NOT NULL,
    CONSTRAINT postbox_relay_schema_history_pkey PRIMARY KEY (id, history_data_seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Dead letters. PARKED: a poison event (its sink kept rejecting it while other events went through, or rejected it
-- permanently). WAITING: later events of the same aggregate, held back so order per aggregate holds. A replay
-- re-sends them in seq order and deletes them.
CREATE TABLE IF NOT EXISTS postbox_relay_parked (
    seq                 BIGINT       NOT NULL AUTO_INCREMENT,
    relay               VARCHAR(63)  NOT NULL,
    status              VARCHAR(16)  NOT NULL,
    event_id            CHAR(36)     NOT NULL,
    aggregatetype       VARCHAR(255) NOT NULL,
    aggregateid         VARCHAR(255) NOT NULL,
    type                VARCHAR(255) NOT NULL,
    payload             JSON,
    `timestamp`         DATETIME(6)  NOT NULL,
    headers             JSON         NOT NULL DEFAULT '{}',
    source_position     VARCHAR(255),
    attempts            INTEGER      NOT NULL DEFAULT 0,
    last_error          TEXT,
    first_failed_at     DATETIME(6),
    parked_at           DATETIME(6)  NOT NULL DEFAULT (UTC_TIMESTAMP(6)),
    replay_requested_at DATETIME(6),
    CONSTRAINT postbox_relay_parked_pkey PRIMARY KEY (seq),
    CONSTRAINT postbox_relay_parked_event_uq UNIQUE (relay, event_id),
    CONSTRAINT postbox_relay_parked_status_ck CHECK (status IN ('PARKED', 'WAITING')),
    INDEX postbox_relay_parked_aggregate_idx (relay, aggregatetype, aggregateid, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Heartbeats: the relay upserts its row every postbox.relay.heartbeat-interval, so its stored binlog position moves
-- on an idle outbox (and its lag reads near zero). Captured by the relay, ignored by routing.
CREATE TABLE IF NOT EXISTS postbox_relay_heartbeat (
    relay   VARCHAR(63) NOT NULL,
    beat_at DATETIME(6) NOT NULL,
    CONSTRAINT postbox_relay_heartbeat_pkey PRIMARY KEY (relay)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
