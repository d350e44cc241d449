-- Postbox inbox steps for MariaDB 10.6+ (dev.postbox.inbox.Steps). PostgreSQL's is db/postbox/V1_4__postbox_inbox_steps.sql.
-- The table name is the default of postbox.inbox.steps-table; with another name, copy this script and rename.
-- Rows belong to an inbox record through (scope, idempotency_key), not its id.
CREATE TABLE IF NOT EXISTS postbox_inbox_step (
    id              BIGINT        NOT NULL AUTO_INCREMENT,
    scope           VARCHAR(255)  NOT NULL,
    idempotency_key VARCHAR(512)  NOT NULL,
    -- position of the step in the handler, from 1; 0 is the record's progress and cursor
    seq             INT           NOT NULL,
    name            VARCHAR(255)  NOT NULL,
    -- COMPLETED (result reused by later attempts), FAILED (runs again), PROGRESS (seq 0)
    status          VARCHAR(16)   NOT NULL,
    attempt         INT           NOT NULL,
    result          LONGTEXT      NULL,
    error           VARCHAR(2000) NULL,
    cursor_value    LONGTEXT      NULL,
    done            BIGINT        NULL,
    total           BIGINT        NULL,
    started_at      DATETIME(6)   NOT NULL,
    duration_ms     BIGINT        NOT NULL,
    -- a run that is not FAILED: the SHA-256 of (scope, key, seq), else NULL. MariaDB has no partial unique index
    -- (PostgreSQL's postbox_inbox_step_done_uq ... WHERE status <> 'FAILED'), a unique index allows any number of
    -- NULLs, and (scope, idempotency_key, seq) in utf8mb4 is longer than InnoDB's 3072-byte key limit
    done_key        BINARY(32) AS (CASE WHEN status <> 'FAILED'
                        THEN UNHEX(SHA2(CONCAT_WS(X'1F', scope, idempotency_key, seq), 256)) END) PERSISTENT,
    CONSTRAINT postbox_inbox_step_pkey PRIMARY KEY (id),
    CONSTRAINT postbox_inbox_step_status_ck CHECK (status IN ('COMPLETED', 'FAILED', 'PROGRESS')),
    CONSTRAINT postbox_inbox_step_seq_ck CHECK (seq >= 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- one completed run per step (and one progress row) of a record; failed runs accumulate as history
CREATE UNIQUE INDEX IF NOT EXISTS postbox_inbox_step_done_uq ON postbox_inbox_step (done_key);
-- a record's steps (sorted by seq, id after the lookup: (scope, key, seq, id) would pass the key limit)
CREATE INDEX IF NOT EXISTS postbox_inbox_step_record_idx ON postbox_inbox_step (scope, idempotency_key);
-- purge of steps whose record is gone
CREATE INDEX IF NOT EXISTS postbox_inbox_step_started_idx ON postbox_inbox_step (started_at);
