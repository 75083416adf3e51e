-- mineconsol: schema-level objects.  The schema itself is created by
-- CREATE EXTENSION from the control file (schema = mineconsol).

COMMENT ON SCHEMA mineconsol IS
  'mineconsol: consolidation of city- and county-licensed mines (registry, classification, merge clusters, stage workflow, audit trail)';
