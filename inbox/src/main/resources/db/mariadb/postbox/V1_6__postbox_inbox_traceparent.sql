-- Postbox inbox, traces, for MariaDB 10.6+ (PostgreSQL's: db/postbox/V1_6__postbox_inbox_traceparent.sql): the W3C
-- traceparent current when a record was made. Apply after V1_2.
ALTER TABLE postbox_inbox ADD COLUMN IF NOT EXISTS traceparent VARCHAR(128) NULL;
