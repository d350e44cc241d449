-- Postbox inbox steps: the recorded steps (dev.postbox.inbox.Steps) of inbox records. See inbox/README.md.
-- The table name is the default of postbox.inbox.steps-table; with another name, copy this script and rename.
-- Rows belong to an inbox record through (scope, idempotency_key), not its id: a first delivery has no committed
-- record while its steps commit, and its redelivery after a crash must find them.
CREATE TABLE IF NOT EXISTS postbox_inbox_step (
    id              bigserial     PRIMARY KEY,
    scope           varchar(255)  NOT NULL,
    idempotency_key varchar(512)  NOT NULL,
    -- position of the step in the handler, from 1; 0 is the record's progress and cursor
    seq             integer       NOT NULL,
    name            varchar(255)  NOT NULL,
    -- COMPLETED (result reused by later attempts), FAILED (runs again), PROGRESS (seq 0)
    status          varchar(16)   NOT NULL,
    attempt         integer       NOT NULL,
    -- the step's result as JSON (JSON-B), null for none
    result          text,
    error           varchar(2000),
    cursor_value    text,
    done            bigint,
    total           bigint,
    started_at      timestamptz   NOT NULL,
    duration_ms     bigint        NOT NULL,
    CONSTRAINT postbox_inbox_step_status_ck CHECK (status IN ('COMPLETED', 'FAILED', 'PROGRESS')),
    CONSTRAINT postbox_inbox_step_seq_ck CHECK (seq >= 0)
);

-- one completed run per step (and one progress row) of a record; failed runs accumulate as history
CREATE UNIQUE INDEX IF NOT EXISTS postbox_inbox_step_done_uq
    ON postbox_inbox_step (scope, idempotency_key, seq) WHERE status <> 'FAILED';
-- a record's steps in order, for its attempts and its history
CREATE INDEX IF NOT EXISTS postbox_inbox_step_record_idx ON postbox_inbox_step (scope, idempotency_key, seq, id);
-- purge of steps whose record is gone
CREATE INDEX IF NOT EXISTS postbox_inbox_step_started_idx ON postbox_inbox_step (started_at);
