-- Postbox inbox, 1.7, for MariaDB 10.6+ (PostgreSQL's: db/postbox/V1_7__postbox_inbox_created_idx.sql): the newest
-- records first, across every scope and status.
CREATE INDEX IF NOT EXISTS postbox_inbox_created_idx ON postbox_inbox (created_at, id);
