-- Schema of the demo payments service on MariaDB 10.11 (-Ddemo.db=mariadb): the tables of
-- db/payments/V1__payments.sql with MariaDB's types. The launcher applies it (with Postbox's db/mariadb/postbox
-- scripts from WEB-INF/lib) before the server starts. Amounts are in cents.
-- timestamptz -> DATETIME(6) in UTC (the server runs with time_zone +00:00), uuid -> MariaDB's own UUID type
-- (10.7+; Hibernate's MariaDB dialect binds java.util.UUID to it as text).
CREATE TABLE IF NOT EXISTS account (
    id        varchar(64)  PRIMARY KEY,
    owner     varchar(255) NOT NULL,
    balance   bigint       NOT NULL DEFAULT 0,
    opened_at datetime(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
);

-- Deposits made over REST (POST /api/accounts/{id}/deposits with an Idempotency-Key).
CREATE TABLE IF NOT EXISTS deposit (
    id              uuid         PRIMARY KEY,
    account_id      varchar(64)  NOT NULL,
    amount          bigint       NOT NULL,
    idempotency_key varchar(255) NOT NULL,
    created_at      datetime(6)  NOT NULL,
    FOREIGN KEY (account_id) REFERENCES account (id)
);

-- Card payments reported by the gateway's webhooks. The primary key is a second line of defence: the inbox
-- absorbs duplicate deliveries before they get here.
CREATE TABLE IF NOT EXISTS payment (
    id                 varchar(64)  PRIMARY KEY,
    account_id         varchar(64)  NOT NULL,
    amount             bigint       NOT NULL,
    gateway_created_at datetime(6)  NOT NULL,
    applied_at         datetime(6)  NOT NULL,
    FOREIGN KEY (account_id) REFERENCES account (id)
);

-- What the Kafka consumer posted to the external ledger, one row per outbox event.
CREATE TABLE IF NOT EXISTS ledger_entry (
    event_id         uuid         PRIMARY KEY,
    event_type       varchar(255) NOT NULL,
    account_id       varchar(64)  NOT NULL,
    amount           bigint       NOT NULL,
    ledger_reference varchar(255) NOT NULL,
    posted_at        datetime(6)  NOT NULL
);

-- Large deposits reported to compliance (a second Kafka topic and consumer).
CREATE TABLE IF NOT EXISTS compliance_report (
    event_id    uuid        PRIMARY KEY,
    account_id  varchar(64) NOT NULL,
    amount      bigint      NOT NULL,
    received_at datetime(6) NOT NULL
);
