-- Postbox inbox, traces: the W3C traceparent current when a record was made (its first delivery's span, or the
-- caller's of Inbox.receive), so that every retry and replay of the record gets a span linked to that trace.
-- Written only when the application has OpenTelemetry; see inbox/README.md "Traces". Apply after V1_2.
-- The table name is the default of postbox.inbox.table; with another name, copy this script and rename.
ALTER TABLE postbox_inbox ADD COLUMN IF NOT EXISTS traceparent varchar(128);
