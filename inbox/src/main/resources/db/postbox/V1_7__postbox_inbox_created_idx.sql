-- Postbox inbox, 1.7: the newest records first, across every scope and status (the console's unfiltered pages and
-- its status filters walk this index backwards instead of sorting the whole table: on 1,000,000 records the first
-- page took about a second without it). Costs one more index entry per new record.
CREATE INDEX IF NOT EXISTS postbox_inbox_created_idx ON postbox_inbox (created_at, id);
