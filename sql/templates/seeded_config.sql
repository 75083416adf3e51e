-- What makes a configuration table "seeded" (see sql/10_config.sql): the
-- comment of its seeded column and the trigger that turns an edited row into
-- the DBA's own and lets a restored row replace the seed row with its key.
-- TABLE: the table; KEYS: its key columns, as the trigger's quoted arguments
-- ("'track', 'stage'").

COMMENT ON COLUMN @TABLE@.seeded IS 'true for a row as shipped by mineconsol and never edited; pg_dump keeps only the others';
CREATE TRIGGER @TABLE@_replaces_seed BEFORE INSERT OR UPDATE ON @TABLE@
	FOR EACH ROW EXECUTE FUNCTION config_row_replaces_seed(@KEYS@);
