-- Issue 12, items 6 and 10: indexes for the limits on what a request and an upload may cost.
-- The per-user cap on waiting uploads (cases_keep_upload) finds a user's uploads newest first,
-- and the purge of expired ones (each minute in the server) finds them by age, without
-- reading the table's raw files.
CREATE INDEX upload_user ON upload (user_id, id);
CREATE INDEX upload_created ON upload (created);
