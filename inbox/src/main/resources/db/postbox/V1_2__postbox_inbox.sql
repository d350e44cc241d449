-- Postbox inbox: one row per (scope, idempotency key). See inbox/README.md.
-- The table name is the default of postbox.inbox.table; with another name, copy this script and rename.
CREATE TABLE IF NOT EXISTS postbox_inbox (
    id              uuid          PRIMARY KEY,
    scope           varchar(255)  NOT NULL,
    idempotency_key varchar(512)  NOT NULL,
    -- SHA-256 (hex) of the canonical JSON of the payload: same key + other fingerprint = a different request
    fingerprint     char(64)      NOT NULL,
    status          varchar(16)   NOT NULL,
    -- attempts started so far (a crashed attempt counts too); max_attempts includes the first call
    attempts        integer       NOT NULL DEFAULT 0,
    max_attempts    integer       NOT NULL,
    next_attempt_at timestamptz,
    -- lease of the worker running the current attempt, and its fencing token
    locked_until    timestamptz,
    claim_token     uuid,
    started_at      timestamptz,
    last_error      varchar(2000),
    -- the stored answer returned to duplicates: JSON (or text), plus HTTP status/headers for JAX-RS methods
    result          text,
    result_format   varchar(8),
    http_status     integer,
    http_headers    jsonb,
    -- what the scheduler re-invokes for deferred retries: method identity and JSON arguments
    handler         varchar(1000),
    arguments       text,
    -- one JSON object per finished attempt: attempt, startedAt, endedAt, outcome, error
    history         jsonb         NOT NULL DEFAULT '[]'::jsonb,
    created_at      timestamptz   NOT NULL DEFAULT now(),
    updated_at      timestamptz   NOT NULL DEFAULT now(),
    completed_at    timestamptz,
    -- completed records are purged after this instant (completed_at + retention of their scope)
    expires_at      timestamptz,
    CONSTRAINT postbox_inbox_scope_key_uq UNIQUE (scope, idempotency_key),
    CONSTRAINT postbox_inbox_status_ck
        CHECK (status IN ('RECEIVED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'DEAD')),
    CONSTRAINT postbox_inbox_attempts_ck CHECK (attempts >= 0 AND max_attempts >= 1)
);

-- due retries and received records, polled with FOR UPDATE SKIP LOCKED
CREATE INDEX IF NOT EXISTS postbox_inbox_due_idx
    ON postbox_inbox (next_attempt_at) WHERE status IN ('RECEIVED', 'FAILED');
-- crashed workers: in-progress records whose lease ran out
CREATE INDEX IF NOT EXISTS postbox_inbox_lease_idx
    ON postbox_inbox (locked_until) WHERE status = 'IN_PROGRESS';
-- history queries by scope / status / time window
CREATE INDEX IF NOT EXISTS postbox_inbox_scope_created_idx ON postbox_inbox (scope, created_at);
CREATE INDEX IF NOT EXISTS postbox_inbox_status_created_idx ON postbox_inbox (status, created_at);
-- retention purge
CREATE INDEX IF NOT EXISTS postbox_inbox_expires_idx
    ON postbox_inbox (expires_at) WHERE status = 'COMPLETED';
