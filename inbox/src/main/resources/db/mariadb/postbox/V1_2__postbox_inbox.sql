-- Postbox inbox for MariaDB 10.6+ (FOR UPDATE SKIP LOCKED): one row per (scope, idempotency key). PostgreSQL's is
-- db/postbox/V1_2__postbox_inbox.sql; see inbox/README.md. The table name is the default of postbox.inbox.table;
-- with another name, copy this script and rename both tables (the lock table is always <inbox table>_lock).
-- Types: ids CHAR(36) (the UUID's text), JSON (LONGTEXT with a JSON_VALID check), DATETIME(6) holding UTC (Postbox
-- writes and compares UTC_TIMESTAMP(6), whatever the session's time zone). utf8mb4_bin: keys compare exactly, as on
-- PostgreSQL. MariaDB has no partial indexes: the due, lease and expiry indexes lead with status instead.
CREATE TABLE IF NOT EXISTS postbox_inbox (
    id              CHAR(36)      NOT NULL,
    scope           VARCHAR(255)  NOT NULL,
    idempotency_key VARCHAR(512)  NOT NULL,
    -- SHA-256 (hex) of the canonical JSON of the payload: same key + other fingerprint = a different request
    fingerprint     CHAR(64)      NOT NULL,
    status          VARCHAR(16)   NOT NULL,
    -- attempts started so far (a crashed attempt counts too); max_attempts includes the first call
    attempts        INT           NOT NULL DEFAULT 0,
    max_attempts    INT           NOT NULL,
    next_attempt_at DATETIME(6)   NULL,
    -- lease of the worker running the current attempt, and its fencing token
    locked_until    DATETIME(6)   NULL,
    claim_token     CHAR(36)      NULL,
    started_at      DATETIME(6)   NULL,
    last_error      VARCHAR(2000) NULL,
    -- the stored answer returned to duplicates: JSON (or text), plus HTTP status/headers for JAX-RS methods
    result          LONGTEXT      NULL,
    result_format   VARCHAR(8)    NULL,
    http_status     INT           NULL,
    http_headers    JSON          NULL,
    -- what the scheduler re-invokes for deferred retries: method identity and JSON arguments
    handler         VARCHAR(1000) NULL,
    arguments       LONGTEXT      NULL,
    -- one JSON object per finished attempt: attempt, startedAt, endedAt, outcome, error
    history         JSON          NOT NULL DEFAULT '[]',
    created_at      DATETIME(6)   NOT NULL DEFAULT UTC_TIMESTAMP(6),
    updated_at      DATETIME(6)   NOT NULL DEFAULT UTC_TIMESTAMP(6),
    completed_at    DATETIME(6)   NULL,
    -- completed records are purged after this instant (completed_at + retention of their scope)
    expires_at      DATETIME(6)   NULL,
    CONSTRAINT postbox_inbox_pkey PRIMARY KEY (id),
    CONSTRAINT postbox_inbox_scope_key_uq UNIQUE (scope, idempotency_key),
    CONSTRAINT postbox_inbox_status_ck
        CHECK (status IN ('RECEIVED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'DEAD')),
    CONSTRAINT postbox_inbox_attempts_ck CHECK (attempts >= 0 AND max_attempts >= 1)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- due retries and received records, polled with FOR UPDATE SKIP LOCKED (PostgreSQL: partial on those statuses)
CREATE INDEX IF NOT EXISTS postbox_inbox_due_idx ON postbox_inbox (status, next_attempt_at);
-- crashed workers: in-progress records whose lease ran out
CREATE INDEX IF NOT EXISTS postbox_inbox_lease_idx ON postbox_inbox (status, locked_until);
-- history queries by scope / status / time window
CREATE INDEX IF NOT EXISTS postbox_inbox_scope_created_idx ON postbox_inbox (scope, created_at);
CREATE INDEX IF NOT EXISTS postbox_inbox_status_created_idx ON postbox_inbox (status, created_at);
-- retention purge
CREATE INDEX IF NOT EXISTS postbox_inbox_expires_idx ON postbox_inbox (status, expires_at);

-- The key lock (PostgreSQL uses a transaction-scoped advisory lock instead): one row per key, the SHA-256 of
-- scope + U+001F + key. A delivery locks its key's row with INSERT ... ON DUPLICATE KEY UPDATE, an InnoDB row lock
-- released at commit or rollback; rows are deleted with their record by the retention purge.
CREATE TABLE IF NOT EXISTS postbox_inbox_lock (
    lock_key BINARY(32) NOT NULL,
    CONSTRAINT postbox_inbox_lock_pkey PRIMARY KEY (lock_key)
) ENGINE = InnoDB;
