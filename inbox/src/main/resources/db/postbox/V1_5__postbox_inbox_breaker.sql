-- Postbox inbox circuit breakers: one row per scope whose breaker is on, shared by every instance. See inbox/README.md.
-- The table name is the default of postbox.inbox.breaker-table; with another name, copy this script and rename.
-- Every change is one conditional UPDATE (the row lock orders concurrent instances), so two instances never both
-- open a scope on the same failure count, nor both take the probe of a HALF_OPEN scope.
CREATE TABLE IF NOT EXISTS postbox_inbox_breaker (
    scope                varchar(255) PRIMARY KEY,
    -- CLOSED (attempts run), OPEN (cooling down: no attempts), HALF_OPEN (cool-down over: one probe at a time)
    state                varchar(16)  NOT NULL DEFAULT 'CLOSED',
    -- transient failures in a row (definite failures neither count nor reset); 0 after a success
    consecutive_failures integer      NOT NULL DEFAULT 0,
    -- when the scope last opened, and until when it stays OPEN (the database's clock)
    opened_at            timestamptz,
    open_until           timestamptz,
    -- the probe of a HALF_OPEN scope: who holds it, and until when (a crashed prober's lease runs out)
    probe_token          uuid,
    probe_until          timestamptz,
    -- how many times the scope opened (a failed probe re-opens it and counts again)
    opens                bigint       NOT NULL DEFAULT 0,
    -- how many probes were taken (each HALF_OPEN attempt)
    probes               bigint       NOT NULL DEFAULT 0,
    updated_at           timestamptz  NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT postbox_inbox_breaker_state_ck CHECK (state IN ('CLOSED', 'OPEN', 'HALF_OPEN')),
    CONSTRAINT postbox_inbox_breaker_failures_ck CHECK (consecutive_failures >= 0)
);
