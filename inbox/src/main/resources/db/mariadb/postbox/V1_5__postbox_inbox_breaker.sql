-- Postbox inbox circuit breakers for MariaDB 10.6+: one row per scope whose breaker is on, shared by every instance.
-- PostgreSQL's is db/postbox/V1_5__postbox_inbox_breaker.sql; see inbox/README.md.
-- The table name is the default of postbox.inbox.breaker-table; with another name, copy this script and rename.
CREATE TABLE IF NOT EXISTS postbox_inbox_breaker (
    scope                VARCHAR(255) NOT NULL,
    state                VARCHAR(16)  NOT NULL DEFAULT 'CLOSED',
    consecutive_failures INT          NOT NULL DEFAULT 0,
    opened_at            DATETIME(6)  NULL,
    open_until           DATETIME(6)  NULL,
    probe_token          CHAR(36)     NULL,
    probe_until          DATETIME(6)  NULL,
    opens                BIGINT       NOT NULL DEFAULT 0,
    probes               BIGINT       NOT NULL DEFAULT 0,
    updated_at           DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
    CONSTRAINT postbox_inbox_breaker_pkey PRIMARY KEY (scope),
    CONSTRAINT postbox_inbox_breaker_state_ck CHECK (state IN ('CLOSED', 'OPEN', 'HALF_OPEN')),
    CONSTRAINT postbox_inbox_breaker_failures_ck CHECK (consecutive_failures >= 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
