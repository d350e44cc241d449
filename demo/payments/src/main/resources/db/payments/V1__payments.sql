-- Schema of the demo payments service. The launcher applies it (with Postbox's db/postbox scripts from
-- WEB-INF/lib) before Payara Micro starts, as Flyway or Liquibase would in production.
-- Amounts are in cents.
CREATE TABLE IF NOT EXISTS account (
    id        varchar(64)  PRIMARY KEY,
    owner     varchar(255) NOT NULL,
    balance   bigint       NOT NULL DEFAULT 0,
    opened_at timestamptz  NOT NULL DEFAULT now()
);

-- Deposits made over REST (POST /api/accounts/{id}/deposits with an Idempotency-Key).
CREATE TABLE IF NOT EXISTS deposit (
    id              uuid         PRIMARY KEY,
    account_id      varchar(64)  NOT NULL REFERENCES account (id),
    amount          bigint       NOT NULL,
    idempotency_key varchar(255) NOT NULL,
    created_at      timestamptz  NOT NULL
);

-- Card payments reported by the gateway's webhooks. The primary key is a second line of defence: the inbox
-- absorbs duplicate deliveries before they get here.
CREATE TABLE IF NOT EXISTS payment (
    id                 varchar(64)  PRIMARY KEY,
    account_id         varchar(64)  NOT NULL REFERENCES account (id),
    amount             bigint       NOT NULL,
    gateway_created_at timestamptz  NOT NULL,
    applied_at         timestamptz  NOT NULL
);

-- What the Kafka consumer posted to the external ledger, one row per outbox event.
CREATE TABLE IF NOT EXISTS ledger_entry (
    event_id         uuid         PRIMARY KEY,
    event_type       varchar(255) NOT NULL,
    account_id       varchar(64)  NOT NULL,
    amount           bigint       NOT NULL,
    ledger_reference varchar(255) NOT NULL,
    posted_at        timestamptz  NOT NULL
);

-- Large deposits reported to compliance (a second Kafka topic and consumer).
CREATE TABLE IF NOT EXISTS compliance_report (
    event_id    uuid        PRIMARY KEY,
    account_id  varchar(64) NOT NULL,
    amount      bigint      NOT NULL,
    received_at timestamptz NOT NULL
);
