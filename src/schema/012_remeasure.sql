-- A re-measurement: the round that measures again what an earlier round measured (same kind,
-- catalogue and themes, about 9 months later), made from the earlier round's follow-up. The
-- reference lets each round's page link to the other; deleting the earlier round leaves the
-- re-measurement standing on its own.
ALTER TABLE round ADD COLUMN remeasure_of INTEGER REFERENCES round (id) ON DELETE SET NULL;
CREATE INDEX round_remeasure_of ON round (remeasure_of);
